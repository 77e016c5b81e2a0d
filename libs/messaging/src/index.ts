export * from './rpc';
export * from './events';
export * from './nest';
export * from './queue-type';
