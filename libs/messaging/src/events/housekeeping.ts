import { DataSource } from 'typeorm';
import { INBOX_TABLE, OUTBOX_TABLE } from './messaging-tables.migration';
import { deleteInChunks } from '@fpms/common/scheduling/scheduled-job';
import { writeQuery } from '@fpms/database/write-query';

const PURGE_CHUNK = 5_000;

/** A `delete … where key in (select … limit $n)` run chunk by chunk; `sql` takes the chunk size as its last parameter. */
const deleteChunked = (dataSource: DataSource, sql: string, params: unknown[]): Promise<number> =>
  deleteInChunks(async () => (await writeQuery(dataSource, sql, [...params, PURGE_CHUNK])).affected);

/**
 * Deletes outbox rows sent before `before`, in chunks. Unsent rows are never touched,
 * however old: they are events still owed to the broker. Rows are taken with SKIP LOCKED,
 * so replicas purging at once split the work instead of waiting on each other.
 */
export function purgeSentOutbox(dataSource: DataSource, before: Date): Promise<number> {
  return deleteChunked(
    dataSource,
    `delete from ${OUTBOX_TABLE} where id in (
       select id from ${OUTBOX_TABLE}
       where sent_at is not null and sent_at < $1
       limit $2 for update skip locked)`,
    [before],
  );
}

/**
 * Deletes inbox rows received before `before` (of one consumer, or all). A purged id is
 * no longer recognized as a duplicate, so the retention must outlast any redelivery
 * (retry chain, DLQ replays).
 */
export function purgeInbox(dataSource: DataSource, before: Date, consumer?: string): Promise<number> {
  return deleteChunked(
    dataSource,
    `delete from ${INBOX_TABLE} where (consumer, message_id) in (
       select consumer, message_id from ${INBOX_TABLE}
       where received_at < $1 and ($2::text is null or consumer = $2)
       limit $3 for update skip locked)`,
    [before, consumer ?? null],
  );
}

export interface MessagingRetention {
  /** How long sent outbox rows are kept (for investigation), in ms. */
  sentOutboxMs: number;
  /** How long inbox rows are kept, i.e. how long a duplicate is still recognized, in ms. */
  inboxMs: number;
}

const DAY_MS = 86_400_000;

/** Retention from the validated environment (days). */
export function messagingRetentionFromEnv(env: { OUTBOX_RETENTION_DAYS: number; INBOX_RETENTION_DAYS: number }): MessagingRetention {
  return { sentOutboxMs: env.OUTBOX_RETENTION_DAYS * DAY_MS, inboxMs: env.INBOX_RETENTION_DAYS * DAY_MS };
}

/** One purge of a service's outbox and inbox by `now` (from the injected clock). */
export async function purgeMessagingTables(
  dataSource: DataSource,
  now: Date,
  retention: MessagingRetention,
): Promise<{ outbox: number; inbox: number }> {
  const outbox = await purgeSentOutbox(dataSource, new Date(now.getTime() - retention.sentOutboxMs));
  const inbox = await purgeInbox(dataSource, new Date(now.getTime() - retention.inboxMs));
  return { outbox, inbox };
}
