import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { EventEnvelope, eventEnvelopeSchema, NewEvent } from '@fpms/contracts/events/event-envelope';
import { EventHeaders } from './event-topology';
import { OUTBOX_TABLE } from './messaging-tables.migration';

/** Rows per INSERT statement in addMany: 4 parameters each, far below Postgres' 65535 cap. */
const INSERT_CHUNK = 1000;

/**
 * Records events in the caller's transaction; the relay publishes them after commit.
 * That is the whole point of the outbox: the event exists if and only if the state change
 * it describes committed.
 */
export class OutboxWriter {
  async add<T>(manager: EntityManager, event: NewEvent<T>): Promise<EventEnvelope<T>> {
    const [envelope] = await this.addMany(manager, [event]);
    return envelope;
  }

  async addMany<T>(manager: EntityManager, events: NewEvent<T>[]): Promise<EventEnvelope<T>[]> {
    // Outside a transaction the row would commit on its own, decoupled from the state
    // change, which silently reintroduces the lost/phantom event problem.
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('OutboxWriter must be called inside a transaction');
    }
    const envelopes = events.map((e) => toEnvelope(e));
    for (let i = 0; i < envelopes.length; i += INSERT_CHUNK) {
      const chunk = envelopes.slice(i, i + INSERT_CHUNK);
      const params: unknown[] = [];
      const values = chunk.map((env) => {
        const headers: Record<string, string> = {};
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

/** Fills id/occurredAt and validates, so a malformed event fails the producer's transaction, not a consumer. */
export function toEnvelope<T>(event: NewEvent<T>): EventEnvelope<T> {
  const candidate = { ...event, id: randomUUID(), occurredAt: event.occurredAt ?? new Date().toISOString() };
  const parsed = eventEnvelopeSchema.parse(candidate);
  // zod strips unknown keys; `data` is z.unknown() and passes through untouched.
  return parsed as EventEnvelope<T>;
}
