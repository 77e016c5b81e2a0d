export * from './key-set';
export * from './access-token';
export * from './auth-config';
export * from './permissions';
