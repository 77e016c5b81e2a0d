import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { RequestContext } from '@fpms/common/logging/request-context';
import { Tracing } from '@fpms/common/tracing/tracing';
import { EventEnvelope, eventEnvelopeSchema, NewEvent } from '@fpms/contracts/events/event-envelope';
import { eventDataSchema, EventDataSchemas } from '@fpms/contracts/events/event-schemas';
import { EventHeaders } from './event-topology';
import { OUTBOX_TABLE } from './messaging-tables.migration';

/** Rows per INSERT statement in addMany: 4 parameters each, far below Postgres' 65535 cap. */
const INSERT_CHUNK = 1000;

/** Event type → schema of its data. */
export type EventSchemaMap = Record<string, z.ZodType>;

/** One `(type, data)` pair of the map, as a producer writes it: `data` must fit `type`'s schema. */
export type OutboxEvent<M extends EventSchemaMap = EventDataSchemas> = {
  [K in keyof M & string]: Omit<NewEvent<z.input<M[K]>>, 'type'> & { type: K };
}[keyof M & string];

/**
 * Records events in the caller's transaction; the relay publishes them after commit.
 * That is the whole point of the outbox: the event exists if and only if the state change
 * it describes committed.
 *
 * Only the `(type, data)` pairs of EVENT_DATA_SCHEMAS (libs/contracts) compile, and the
 * data is checked against the type's schema before the row is written, so a malformed
 * event fails the producer's transaction rather than a consumer. (libs/messaging's own
 * tests pass a schema lookup of their own for made-up types.)
 *
 * Each row remembers what wrote it: the request id of the request, event or job round the
 * transaction runs for (unless the producer names one), and with tracing on the active
 * span's W3C trace context, so the relay's publish and every consumer continue that trace.
 */
export class OutboxWriter<M extends EventSchemaMap = EventDataSchemas> {
  constructor(private readonly schemaFor: (type: string) => z.ZodType | undefined = eventDataSchema) {}

  async add(manager: EntityManager, event: OutboxEvent<M>): Promise<EventEnvelope> {
    const [envelope] = await this.addMany(manager, [event]);
    return envelope;
  }

  async addMany(manager: EntityManager, events: OutboxEvent<M>[]): Promise<EventEnvelope[]> {
    // Outside a transaction the row would commit on its own, decoupled from the state
    // change, which silently reintroduces the lost/phantom event problem.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter must be called inside a transaction');
    }
    const requestId = RequestContext.requestId();
    const traceHeaders = Tracing.activeContextHeaders();
    const envelopes = events.map((e) => {
      const event = e as NewEvent;
      return toEnvelope(checkData({ ...event, requestId: event.requestId ?? requestId }, this.schemaFor));
    });
    for (let i = 0; i < envelopes.length; i += INSERT_CHUNK) {
      const chunk = envelopes.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((env) => {
        const headers: Record<string, string> = { ...traceHeaders };
        if (env.requestId) headers[EventHeaders.RequestId] = env.requestId;
        params.push(env.id, env.type, JSON.stringify(env), JSON.stringify(headers));
        const b = params.length - 4;
        return `($${b + 1}, $${b + 2}, $${b + 3}::jsonb, $${b + 4}::jsonb)`;
      });
      await manager.query(`insert into ${OUTBOX_TABLE} (id, routing_key, payload, headers) values ${values.join(', ')}`, params);
    }
    return envelopes;
  }
}

/** The data must parse with its type's schema; it is stored as the producer wrote it. */
function checkData(event: NewEvent, schemaFor: (type: string) => z.ZodType | undefined): NewEvent {
  const schema = schemaFor(event.type);
  if (!schema) throw new Error(`no data schema for event type ${event.type}`);
  const result = schema.safeParse(event.data);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`invalid ${event.type} data: ${issues}`);
  }
  return event;
}

/** Fills id/occurredAt and validates the envelope, so a malformed event fails the producer's transaction, not a consumer. */
export function toEnvelope<T>(event: NewEvent<T>): EventEnvelope<T> {
  const candidate = { ...event, id: randomUUID(), occurredAt: event.occurredAt ?? new Date().toISOString() };
  const parsed = eventEnvelopeSchema.parse(candidate);
  // zod strips unknown keys; `data` is z.unknown() and passes through untouched.
  return parsed as EventEnvelope<T>;
}
