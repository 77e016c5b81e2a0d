export * from './event-topology';
export * from './messaging-tables.migration';
export * from './outbox-writer';
export * from './outbox-relay';
export * from './event-consumer';
export * from './housekeeping';
export * from './dlq-replay';
