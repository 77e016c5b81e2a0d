export * from './platform-env.schema';
export * from './platform.module';
export * from './outbox-relay.lifecycle';
export * from './platform-app';
export * from './event-subscriptions';
export * from './event-consumer.lifecycle';
export * from './broker-connections';
export * from './rpc-client.lifecycle';
