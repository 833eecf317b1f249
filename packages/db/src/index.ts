export * from './any-of.ts';
export * from './database.ts';
export * from './pg-errors.ts';
export * from './recordset.ts';
export * from './schema/index.ts';
