import { MigrationInterface, QueryRunner } from 'typeorm';
import { OUTBOX_NOTIFY_CHANNEL } from './event-topology';

export const OUTBOX_TABLE = 'outbox_messages';
export const INBOX_TABLE = 'inbox_messages';

/**
 * The outbox and inbox tables every service carries (list this class in the service's
 * own migrations). Neither table has tenant columns: the tenant travels inside the event
 * payload, and the relay reads every tenant's rows anyway.
 *
 * `seq` is an identity column rather than bigserial on purpose: inserting into an identity
 * column needs no USAGE grant on its sequence, so the runtime role only needs INSERT.
 */
export class CreateMessagingTables1732300000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table ${OUTBOX_TABLE} (
        id uuid primary key,
        seq bigint generated always as identity,
        routing_key text not null,
        payload jsonb not null,
        headers jsonb not null default '{}'::jsonb,
        created_at timestamptz not null default now(),
        sent_at timestamptz,
        attempts integer not null default 0,
        last_error text
      )`);
    // The relay only ever scans unsent rows in seq order; this index stays small because
    // rows leave it as soon as they are sent.
    await queryRunner.query(`create index ${OUTBOX_TABLE}_unsent_idx on ${OUTBOX_TABLE} (seq) where sent_at is null`);
    await queryRunner.query(`create index ${OUTBOX_TABLE}_sent_at_idx on ${OUTBOX_TABLE} (sent_at) where sent_at is not null`);
    // Statement-level, so a bulk insert sends one notification; Postgres delivers it at
    // commit and drops it on rollback, which is exactly when a relay should (not) wake.
    await queryRunner.query(`
      create function ${OUTBOX_TABLE}_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('${OUTBOX_NOTIFY_CHANNEL}', '');
        return null;
      end
      $$`);
    await queryRunner.query(`
      create trigger ${OUTBOX_TABLE}_notify after insert on ${OUTBOX_TABLE}
      for each statement execute function ${OUTBOX_TABLE}_notify()`);

    await queryRunner.query(`
      create table ${INBOX_TABLE} (
        message_id uuid not null,
        consumer text not null,
        received_at timestamptz not null default now(),
        primary key (consumer, message_id)
      )`);
    await queryRunner.query(`create index ${INBOX_TABLE}_received_at_idx on ${INBOX_TABLE} (received_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists ${INBOX_TABLE}`);
    await queryRunner.query(`drop trigger if exists ${OUTBOX_TABLE}_notify on ${OUTBOX_TABLE}`);
    await queryRunner.query(`drop function if exists ${OUTBOX_TABLE}_notify()`);
    await queryRunner.query(`drop table if exists ${OUTBOX_TABLE}`);
  }
}
