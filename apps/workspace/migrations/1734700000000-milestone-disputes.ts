import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls, makeAppendOnly } from '@fpms/database/rls';

/**
 * In-app disputes as records of their own (issue 13 item 2): who opened one and from which
 * side, the opener's statement, the other side's response deadline, the resolution; and the
 * evidence both sides add (append-only). The milestone keeps its freeze (dispute_opened_by)
 * and gains `dispute_settlement`: the outcome decided, until billing's money follows it.
 */
export class MilestoneDisputes1734700000000 implements MigrationInterface {
  name = 'MilestoneDisputes1734700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table milestone_disputes (
        id uuid primary key,
        seq bigint generated always as identity unique,
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        milestone_id uuid not null references milestones (id),
        opened_by uuid not null,
        opened_by_side text not null check (opened_by_side in ('freelancer', 'client')),
        statement text,
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        status text not null default 'open' check (status in ('open', 'resolved', 'withdrawn')),
        opened_at timestamptz not null,
        response_due_at timestamptz not null,
        deadline_passed_at timestamptz,
        deadline_claimed_until timestamptz,
        withdrawn_at timestamptz,
        outcome text check (outcome in ('release', 'refund', 'split')),
        release_amount bigint check (release_amount >= 0),
        refund_amount bigint check (refund_amount >= 0),
        resolved_by text check (resolved_by in ('admin', 'deadline')),
        resolved_by_admin uuid,
        override_reason text,
        resolved_at timestamptz,
        check ((status = 'resolved') = (outcome is not null and resolved_at is not null and resolved_by is not null)),
        check (resolved_by is distinct from 'admin' or (resolved_by_admin is not null and override_reason is not null))
      )`);
    await q.query(`create unique index milestone_disputes_one_open on milestone_disputes (milestone_id) where status = 'open'`);
    await q.query(`create index milestone_disputes_milestone on milestone_disputes (milestone_id, seq desc)`);
    await q.query(
      `create index milestone_disputes_due on milestone_disputes (response_due_at) where status = 'open' and deadline_passed_at is null`,
    );
    await enableTenantRls(q, 'milestone_disputes', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table milestone_dispute_evidence (
        id uuid primary key,
        seq bigint generated always as identity,
        dispute_id uuid not null references milestone_disputes (id),
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        added_by uuid not null,
        side text not null check (side in ('freelancer', 'client')),
        statement text,
        file_versions jsonb not null default '[]',
        activity_ids jsonb not null default '[]',
        message_ids jsonb not null default '[]',
        created_at timestamptz not null
      )`);
    await q.query(`create index milestone_dispute_evidence_dispute on milestone_dispute_evidence (dispute_id, seq)`);
    await enableTenantRls(q, 'milestone_dispute_evidence', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await makeAppendOnly(q, 'milestone_dispute_evidence');

    await q.query(`alter table milestones add column dispute_settlement text check (dispute_settlement in ('release', 'refund', 'split'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table milestones drop column dispute_settlement`);
    await q.query(`drop table milestone_dispute_evidence`);
    await q.query(`drop table milestone_disputes`);
  }
}
