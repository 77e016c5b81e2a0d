import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from '@fpms/database/rls';

// Repeated here on purpose: a migration must not change when the contracts do.
const KINDS_BEFORE = `('charge', 'stripe_fee', 'platform_fee', 'transfer', 'refund', 'reversal', 'dispute')`;
const KINDS_AFTER = `('charge', 'stripe_fee', 'platform_fee', 'transfer', 'refund', 'reversal', 'dispute', 'dispute_fee', 'dispute_reinstatement')`;

/**
 * Chargebacks (Stripe disputes on an order's charge), the freelancer's choice to answer them
 * personally, and billing's own record of each milestone's steps (the evidence it submits).
 * The ledger gains the dispute fee and the reinstatement of a won chargeback's amount.
 */
export class Chargebacks1734500000000 implements MigrationInterface {
  name = 'Chargebacks1734500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table ledger_entries drop constraint ledger_entries_kind_check`);
    await q.query(`alter table ledger_entries add constraint ledger_entries_kind_check check (kind in ${KINDS_AFTER})`);
    // Disputes name the charge, not the order.
    await q.query(`create index orders_charge on orders (charge_id) where charge_id is not null`);

    await q.query(`
      create table chargebacks (
        id text primary key,
        order_id uuid not null references orders (id),
        account_id uuid not null,
        workspace_id uuid not null,
        milestone_id uuid not null,
        charge_id text not null,
        amount bigint not null check (amount > 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        reason text,
        stripe_status text not null,
        outcome text check (outcome in ('won', 'lost')),
        evidence_due_by timestamptz,
        evidence_submit_at timestamptz,
        evidence_submitted_at timestamptz,
        evidence jsonb,
        evidence_last_error text,
        opened_at timestamptz not null,
        closed_at timestamptz,
        updated_at timestamptz not null default now()
      )`);
    await q.query(
      `create index chargebacks_evidence_due on chargebacks (evidence_submit_at) where evidence_submitted_at is null and outcome is null`,
    );
    await q.query(`create index chargebacks_order on chargebacks (order_id)`);
    await enableTenantRls(q, 'chargebacks', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table chargeback_self_responses (
        milestone_id uuid primary key,
        account_id uuid not null,
        workspace_id uuid not null,
        chosen_by uuid not null,
        chosen_at timestamptz not null
      )`);
    await enableTenantRls(q, 'chargeback_self_responses', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // One row per workspace.milestone.* event billing consumed (the inbox dedupes; event_id is unique anyway).
    await q.query(`
      create table milestone_activity (
        event_id uuid primary key,
        milestone_id uuid not null,
        account_id uuid not null,
        workspace_id uuid not null,
        event_type text not null,
        milestone_version integer not null,
        status text not null,
        title text not null,
        description text,
        amount bigint not null,
        currency text not null,
        actor_user_id uuid,
        deliverable_file_version_id uuid,
        approved_by text,
        occurred_at timestamptz not null
      )`);
    await q.query(`create index milestone_activity_milestone on milestone_activity (milestone_id, milestone_version)`);
    await enableTenantRls(q, 'milestone_activity', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table milestone_activity`);
    await q.query(`drop table chargeback_self_responses`);
    await q.query(`drop table chargebacks`);
    await q.query(`drop index orders_charge`);
    await q.query(`alter table ledger_entries drop constraint ledger_entries_kind_check`);
    await q.query(`alter table ledger_entries add constraint ledger_entries_kind_check check (kind in ${KINDS_BEFORE})`);
  }
}
