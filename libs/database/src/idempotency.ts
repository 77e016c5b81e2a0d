import { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import { AppError } from '@fpms/common/errors/app-error';
import { CURRENT_USER_ID } from './rls';
import { IdempotencyErrorCode } from '@fpms/contracts/errors/idempotency.errors';

export const IDEMPOTENCY_TABLE = 'idempotency_keys';
/** How long a key answers with its first result (Stripe's window); older rows are ignored. */
export const IDEMPOTENCY_TTL_HOURS = 24;
const EXPIRED = `now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'`;

/** The key a request carries (the client's Idempotency-Key, or one the gateway made) and the hash of what it asked. */
export interface IdempotencyRequest {
  key: string;
  /** sha256 (hex) of method, path and body, computed by the gateway. */
  requestHash: string;
}

/** Whoever asks: keys are scoped per user, so two users' identical keys never meet. */
export interface IdempotentCaller {
  userId: string;
  idempotency?: IdempotencyRequest;
}

export class IdempotencyError extends AppError<IdempotencyErrorCode> {
  static keyInvalid(): IdempotencyError {
    return new IdempotencyError(400, IdempotencyErrorCode.KeyInvalid, 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
      header: 'Idempotency-Key',
    });
  }

  static keyReused(key: string): IdempotencyError {
    return new IdempotencyError(
      422,
      IdempotencyErrorCode.KeyReused,
      'This Idempotency-Key was already used for a different request; use a new key for a new request',
      { key },
    );
  }
}

/**
 * Runs a creating unit of work at most once per (user, key), inside the caller's own
 * transaction, so the key, the created rows and the stored answer commit or roll back
 * together. A crash after commit but before the RPC ack redelivers the request; it then
 * finds the key and answers the first result instead of creating twice.
 *
 * Concurrency: the insert of the key takes the unique-index lock, so a duplicate in
 * flight waits until the first commits (then answers its result) or rolls back (then
 * runs itself). Failures store nothing (the transaction rolls back): a retry runs again.
 */
export async function runIdempotent<T>(manager: EntityManager, caller: IdempotentCaller, work: () => Promise<T>): Promise<T> {
  const request = caller.idempotency;
  if (!request) return work();
  const claimed: unknown[] = await manager.query(
    `insert into ${IDEMPOTENCY_TABLE} (user_id, key, request_hash) values ($1, $2, $3)
     on conflict (user_id, key) do update set request_hash = excluded.request_hash, response = null, created_at = now()
       where ${IDEMPOTENCY_TABLE}.created_at <= ${EXPIRED}
     returning 1`,
    [caller.userId, request.key, request.requestHash],
  );
  if (claimed.length === 0) {
    const [first] = await manager.query(`select request_hash, response from ${IDEMPOTENCY_TABLE} where user_id = $1 and key = $2`, [
      caller.userId,
      request.key,
    ]);
    if (first.request_hash !== request.requestHash) throw IdempotencyError.keyReused(request.key);
    return first.response as T;
  }
  const result = await work();
  // `json`, not `jsonb`: the replay answers byte for byte what the first answered.
  await manager.query(`update ${IDEMPOTENCY_TABLE} set response = $3::json where user_id = $1 and key = $2`, [
    caller.userId,
    request.key,
    JSON.stringify(result ?? null),
  ]);
  return result;
}

/**
 * The same as a wrapper around a transaction's work function, so a service's create
 * method changes by one line: `this.access.run(actor, id, action, idempotent(actor, async (manager, scope) => {...}))`.
 */
export function idempotent<M extends EntityManager, A extends unknown[], T>(
  caller: IdempotentCaller,
  work: (manager: M, ...rest: A) => Promise<T>,
): (manager: M, ...rest: A) => Promise<T> {
  return (manager, ...rest) => runIdempotent(manager, caller, () => work(manager, ...rest));
}

/**
 * The table each service that creates on request carries (list it in its migrations).
 * Scoped by user with RLS: the tenant of a creation may not exist before it (a new
 * workspace), but the caller always does, and every request transaction sets app.user_id.
 */
export class CreateIdempotencyKeys1733000000000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      create table ${IDEMPOTENCY_TABLE} (
        user_id uuid not null,
        key text not null,
        request_hash text not null,
        response json,
        created_at timestamptz not null default now(),
        primary key (user_id, key)
      )`);
    await queryRunner.query(`create index ${IDEMPOTENCY_TABLE}_created_at_idx on ${IDEMPOTENCY_TABLE} (created_at)`);
    const policy = `(user_id = ${CURRENT_USER_ID})`;
    await queryRunner.query(`alter table ${IDEMPOTENCY_TABLE} enable row level security`);
    await queryRunner.query(`alter table ${IDEMPOTENCY_TABLE} force row level security`);
    await queryRunner.query(`create policy user_isolation on ${IDEMPOTENCY_TABLE} using ${policy} with check ${policy}`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`drop table if exists ${IDEMPOTENCY_TABLE}`);
  }
}
