import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls, makeAppendOnly } from '@fpms/database/rls';

/**
 * Approval chains (issue 19): a policy per workspace and action (the ordered gates, versioned),
 * requests that walk a frozen copy of the gates that applied, and each decision. A member
 * decides at most once per request (unique), and one request per milestone and action is open.
 */
export class ApprovalChains1736400000000 implements MigrationInterface {
  name = 'ApprovalChains1736400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table approval_policies (
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        action text not null check (action in ('fund', 'approve', 'request_refund', 'submit')),
        side text not null check (side in ('client', 'freelancer')),
        gates jsonb not null,
        version int not null,
        updated_by uuid not null,
        updated_at timestamptz not null,
        primary key (workspace_id, action)
      )`);
    await enableTenantRls(q, 'approval_policies', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    await q.query(`
      create table approval_requests (
        id uuid primary key,
        seq bigint generated always as identity unique,
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        milestone_id uuid not null references milestones (id),
        action text not null check (action in ('fund', 'approve', 'request_refund', 'submit')),
        side text not null check (side in ('client', 'freelancer')),
        status text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'cancelled', 'superseded')),
        requested_by uuid not null,
        amount bigint not null check (amount >= 0),
        currency text not null check (currency ~ '^[A-Z]{3}$'),
        policy_version int not null,
        gates jsonb not null,
        current_gate int,
        gate_opened_at timestamptz,
        escalated_gates jsonb not null default '[]',
        -- When the timer poller looks next: the gate's reminder, then its escalation.
        next_timer_at timestamptz,
        timer_claimed_until timestamptz,
        payload jsonb not null default '{}',
        reason text,
        version int not null default 1,
        created_at timestamptz not null,
        decided_at timestamptz,
        check ((status = 'pending') = (current_gate is not null and decided_at is null))
      )`);
    await q.query(`create unique index approval_requests_one_open on approval_requests (milestone_id, action) where status = 'pending'`);
    await q.query(`create index approval_requests_workspace on approval_requests (workspace_id, seq desc)`);
    await q.query(
      `create index approval_requests_timers on approval_requests (next_timer_at) where status = 'pending' and next_timer_at is not null`,
    );
    await enableTenantRls(q, 'approval_requests', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });

    // The gate log: decisions and what the system did (reminders, escalations, supersession).
    await q.query(`
      create table approval_log (
        id bigint generated always as identity primary key,
        request_id uuid not null references approval_requests (id),
        account_id uuid not null references accounts (id),
        workspace_id uuid not null references workspaces (id),
        event text not null check (event in ('requested', 'approved_gate', 'rejected', 'cancelled', 'superseded', 'escalated', 'reminded', 'completed')),
        gate int,
        user_id uuid,
        reason text,
        created_at timestamptz not null
      )`);
    await q.query(`create index approval_log_request on approval_log (request_id, id)`);
    // One decision per member and request: nobody passes two gates of one request.
    await q.query(
      `create unique index approval_log_one_decision on approval_log (request_id, user_id) where event in ('approved_gate', 'rejected')`,
    );
    await enableTenantRls(q, 'approval_log', { accountColumn: 'account_id', workspaceColumn: 'workspace_id' });
    await makeAppendOnly(q, 'approval_log');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table approval_log`);
    await q.query(`drop table approval_requests`);
    await q.query(`drop table approval_policies`);
  }
}
