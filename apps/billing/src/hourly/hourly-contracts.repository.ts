import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { HourlyContractEventData } from '@fpms/contracts';
import type { SystemManager, TenantManager } from '@fpms/database/tenant-manager';
import { HourlyContract, toHourlyContract } from './hourly-contract';

async function one(manager: EntityManager, sql: string, params: unknown[]): Promise<HourlyContract | null> {
  const rows: Array<Record<string, unknown>> = await manager.query(sql, params);
  return rows[0] ? toHourlyContract(rows[0]) : null;
}

/**
 * Hourly contracts as billing projects them from `workspace.hourly_contract.*`, with the
 * Stripe customer and saved payment method. Tenant transactions (the RPC, the workspace
 * events' inbox) and the system pool (webhooks, the charge worker) both reach them.
 */
@Injectable()
export class HourlyContractsRepository {
  /** Applies a contract event unless a newer version is already held (events may arrive in any order). */
  async project(manager: TenantManager, data: HourlyContractEventData, version: number): Promise<void> {
    await manager.query(
      `insert into hourly_contracts (id, account_id, workspace_id, status, rate_minor, currency, contract_version)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (id) do update set status = excluded.status, rate_minor = excluded.rate_minor, currency = excluded.currency,
         contract_version = excluded.contract_version, updated_at = now()
       where hourly_contracts.contract_version < excluded.contract_version`,
      [data.contractId, data.accountId, data.workspaceId, data.status, data.rateMinor, data.currency, version],
    );
  }

  /** The workspace's current contract (the newest one not ended, else the newest), locked. */
  lockOfWorkspace(manager: TenantManager, workspaceId: string): Promise<HourlyContract | null> {
    return one(
      manager,
      `select * from hourly_contracts where workspace_id = $1
       order by (status = 'ended'), contract_version desc, updated_at desc limit 1 for update`,
      [workspaceId],
    );
  }

  lockById(manager: SystemManager | TenantManager, contractId: string): Promise<HourlyContract | null> {
    return one(manager, `select * from hourly_contracts where id = $1 for update`, [contractId]);
  }

  find(manager: SystemManager | TenantManager, contractId: string): Promise<HourlyContract | null> {
    return one(manager, `select * from hourly_contracts where id = $1`, [contractId]);
  }

  async saveSetup(manager: TenantManager, c: HourlyContract): Promise<void> {
    await manager.query(`update hourly_contracts set stripe_customer_id = $2, setup_attempt = $3, updated_at = now() where id = $1`, [
      c.id,
      c.stripeCustomerId,
      c.setupAttempt,
    ]);
  }

  async savePaymentMethod(manager: SystemManager, c: HourlyContract): Promise<void> {
    await manager.query(
      `update hourly_contracts set payment_method_id = $2, payment_method_brand = $3, payment_method_last4 = $4,
         payment_method_saved_at = $5, setup_intent_id = $6, stripe_customer_id = $7, updated_at = now() where id = $1`,
      [c.id, c.paymentMethodId, c.paymentMethodBrand, c.paymentMethodLast4, c.paymentMethodSavedAt, c.setupIntentId, c.stripeCustomerId],
    );
  }

  /** The next aggregateVersion of billing's events about the contract (the row is locked by the caller). */
  async nextEventVersion(manager: SystemManager | TenantManager, contractId: string): Promise<number> {
    // An UPDATE … RETURNING answers [rows, affected count] through TypeORM.
    const [[row]]: [Array<{ event_version: number }>, number] = await manager.query(
      `update hourly_contracts set event_version = event_version + 1 where id = $1 returning event_version`,
      [contractId],
    );
    if (!row) throw new Error(`hourly contract ${contractId} is not projected`);
    return Number(row.event_version);
  }
}
