export * from './platform-env.schema';
export * from './platform.module';
export * from './outbox-relay.lifecycle';
export * from './platform-app';
