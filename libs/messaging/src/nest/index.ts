export * from './outbox-relay.lifecycle';
export * from './event-subscriptions';
export * from './event-consumer.lifecycle';
export * from './broker-connections';
export * from './rpc-client.lifecycle';
export * from './messaging-housekeeping';
