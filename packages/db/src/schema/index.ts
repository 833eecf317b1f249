export * from './compute.ts';
export * from './events.ts';
export * from './identity.ts';
export * from './providers.ts';
