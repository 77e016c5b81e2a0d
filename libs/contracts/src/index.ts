export * from './events/event-envelope';
export * from './events/workspace.events';
export * from './rpc/rpc-context';
export * from './rpc/rpc-pattern';
export * from './rpc/workspace.rpc';
