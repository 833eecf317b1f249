export * from './capabilities.ts';
export * from './connect-context.ts';
export * from './connector-error.ts';
export * from './contract.ts';
export * from './registry.ts';
