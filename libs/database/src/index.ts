export * from './service-names';
export * from './database-roles';
export * from './database-config';
export * from './tenant-context';
export * from './tenant-transactions';
export * from './rls';
export * from './database.module';
export * from './postgres-errors';
