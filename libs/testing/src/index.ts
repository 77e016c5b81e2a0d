export * from './env';
export * from './scratch-database';
export * from './platform';
export * from './http';
export * from './event-tap';
export * from './service-db';
export * from './workspace-fixtures';
export * from './database-clones';
