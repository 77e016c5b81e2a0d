import { z } from 'zod';

/**
 * Every event on the `fpms.events` exchange is one of these. `id` is the outbox row id
 * and the AMQP `messageId` (consumers dedupe on it); `type` is the routing key
 * `<service>.<aggregate>.<event>`; projections ignore an `aggregateVersion` they have
 * already passed.
 */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$/, 'routing key <service>.<aggregate>.<event>'),
  tenant: z.object({
    accountId: z.uuid(),
    workspaceId: z.uuid().optional(),
  }),
  aggregateId: z.string().min(1),
  aggregateVersion: z.number().int().nonnegative(),
  occurredAt: z.iso.datetime({ offset: true }),
  requestId: z.string().optional(),
  data: z.unknown(),
});

export type EventEnvelope<TData = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'data'> & { data: TData };

/** What a producer supplies; the outbox fills in `id` and `occurredAt`. */
export type NewEvent<TData = unknown> = Omit<EventEnvelope<TData>, 'id' | 'occurredAt'> & {
  occurredAt?: string;
};
