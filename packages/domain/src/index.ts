export * from './actor.ts';
export * from './errors.ts';
export * from './event.ts';
export * from './global-id.ts';
export * from './machine-lifecycle.ts';
export * from './names.ts';
export * from './roles.ts';
export * from './validate.ts';
