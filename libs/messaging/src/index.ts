export * from './rpc';
export * from './events';
