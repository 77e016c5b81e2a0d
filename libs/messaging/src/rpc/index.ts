export * from './rpc-client';
export * from './acking-rmq-server';
export * from './rpc-server';
export * from './verified-rpc';
export * from './rpc-envelope.interceptor';
export * from './rpc-handler.decorator';
export * from './rpc-metadata';
export * from './service-logger';
