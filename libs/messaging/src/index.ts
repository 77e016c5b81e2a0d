export * from './rpc';
export * from './events';
export * from './nest';
