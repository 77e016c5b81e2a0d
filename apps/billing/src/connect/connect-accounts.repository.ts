import { Injectable } from '@nestjs/common';
import type { ConnectAccountStatus } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { writeQuery } from '@fpms/database/write-query';
import type { ConnectSnapshot } from './connect-status';

/** An account's connected account as billing holds it (funding reads this). */
export interface ConnectAccountState {
  accountId: string;
  stripeAccountId: string;
  status: ConnectAccountStatus;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
  /** What Stripe still asks for, in plain words. */
  requirements: string[];
  /** 1 when created, +1 per change: the aggregateVersion of `billing.connect.status_changed`. */
  version: number;
}

export interface ConnectAccountRecord extends ConnectAccountState {
  /** `created` of the newest Stripe event applied: an event older than this is stale. */
  stripeUpdatedAt: Date | null;
  updatedAt: Date;
}

/**
 * Either transaction an account's row is read or written in: a tenant transaction (the
 * owner's requests; RLS limits it to the tenant's row) or the webhook processing's system
 * transaction, which has already found the account by its Stripe id.
 */
export type ConnectManager = TenantManager | SystemManager;

interface Row {
  account_id: string;
  stripe_account_id: string;
  status: ConnectAccountStatus;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  requirements: string[];
  version: number;
  stripe_updated_at: Date | null;
  updated_at: Date;
}

const COLUMNS = `account_id, stripe_account_id, status, charges_enabled, payouts_enabled, requirements, version, stripe_updated_at, updated_at`;

function toRecord(row: Row): ConnectAccountRecord {
  return {
    accountId: row.account_id,
    stripeAccountId: row.stripe_account_id,
    status: row.status,
    chargesEnabled: row.charges_enabled,
    payoutsEnabled: row.payouts_enabled,
    requirements: row.requirements,
    version: row.version,
    stripeUpdatedAt: row.stripe_updated_at,
    updatedAt: row.updated_at,
  };
}

/** SQL for `connect_accounts`, one row per account (tenant), addressed by the account id. */
@Injectable()
export class ConnectAccountsRepository {
  async find(manager: ConnectManager, accountId: string): Promise<ConnectAccountRecord | null> {
    const rows: Row[] = await manager.query(`select ${COLUMNS} from connect_accounts where account_id = $1`, [accountId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The row, locked until the transaction ends: every change of one account is made under this lock, one at a time. */
  async lock(manager: ConnectManager, accountId: string): Promise<ConnectAccountRecord | null> {
    const rows: Row[] = await manager.query(`select ${COLUMNS} from connect_accounts where account_id = $1 for update`, [accountId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Serialises onboarding per account before the row exists (two first calls at once would
   * both find none): a transaction-scoped advisory lock on the account id.
   */
  async lockOnboarding(manager: TenantManager, accountId: string): Promise<void> {
    await manager.query(`select pg_advisory_xact_lock(hashtextextended('connect_accounts:' || $1, 0))`, [accountId]);
  }

  /** Version 1 of the account's row unless one exists (for this account or this Stripe account); null if it did. */
  async insertIfAbsent(
    manager: ConnectManager,
    input: { accountId: string; stripeAccountId: string; snapshot: ConnectSnapshot; stripeUpdatedAt: Date | null },
  ): Promise<ConnectAccountRecord | null> {
    const { rows } = await writeQuery<Row>(
      manager,
      `insert into connect_accounts (account_id, stripe_account_id, status, charges_enabled, payouts_enabled, requirements, version, stripe_updated_at)
       values ($1, $2, $3, $4, $5, $6::jsonb, 1, $7)
       on conflict do nothing
       returning ${COLUMNS}`,
      [
        input.accountId,
        input.stripeAccountId,
        input.snapshot.status,
        input.snapshot.chargesEnabled,
        input.snapshot.payoutsEnabled,
        JSON.stringify(input.snapshot.requirements),
        input.stripeUpdatedAt,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Writes a changed state at the next version (the caller holds the row lock and has compared). */
  async update(
    manager: ConnectManager,
    accountId: string,
    input: { snapshot: ConnectSnapshot; version: number; stripeUpdatedAt: Date | null },
  ): Promise<ConnectAccountRecord> {
    const { rows } = await writeQuery<Row>(
      manager,
      `update connect_accounts
          set status = $2, charges_enabled = $3, payouts_enabled = $4, requirements = $5::jsonb, version = $6,
              stripe_updated_at = greatest(stripe_updated_at, $7), updated_at = now()
        where account_id = $1
       returning ${COLUMNS}`,
      [
        accountId,
        input.snapshot.status,
        input.snapshot.chargesEnabled,
        input.snapshot.payoutsEnabled,
        JSON.stringify(input.snapshot.requirements),
        input.version,
        input.stripeUpdatedAt,
      ],
    );
    if (!rows[0]) throw new Error(`connect account of ${accountId} vanished under its lock`);
    return toRecord(rows[0]);
  }

  /** Records that an event up to `stripeUpdatedAt` was seen, when it changed nothing. */
  async markSeen(manager: ConnectManager, accountId: string, stripeUpdatedAt: Date): Promise<void> {
    await manager.query(
      `update connect_accounts set stripe_updated_at = greatest(stripe_updated_at, $2) where account_id = $1 and stripe_updated_at is distinct from greatest(stripe_updated_at, $2)`,
      [accountId, stripeUpdatedAt],
    );
  }
}

/** Webhooks name the Stripe account, not ours: finding the tenant is cross-tenant by nature (system pool). */
@Injectable()
export class CrossTenantConnectAccountsRepository {
  async accountIdOf(manager: SystemManager, stripeAccountId: string): Promise<string | null> {
    const rows: Array<{ account_id: string }> = await manager.query(
      `select account_id from connect_accounts where stripe_account_id = $1`,
      [stripeAccountId],
    );
    return rows[0]?.account_id ?? null;
  }
}
