import { MigrationInterface, QueryRunner } from 'typeorm';

const WORK_STATUSES = [
  'draft',
  'proposed',
  'accepted',
  'funding',
  'funded',
  'submitted',
  'changes_requested',
  'approved',
  'refund_requested',
  'cancelled',
];
const WORK_LIST = `(${WORK_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const PAID = `('funded', 'submitted', 'changes_requested', 'approved', 'released', 'refund_requested', 'refunded', 'disputed')`;

/**
 * Milestones keep billing's newest money state (amounts, minor units) and two independent
 * freezes instead of one shared `disputed` status with a status to return to: the in-app
 * dispute (who opened it) and the chargeback (money_disputed > 0). `status` stays, as the
 * status users see, derived from them (milestone-state-machine.ts visibleStatus).
 * billing_version becomes nullable: null = nothing seen yet, so version 0 is not special.
 */
export class MilestoneMoneyState1732300650000 implements MigrationInterface {
  name = 'MilestoneMoneyState1732300650000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      alter table milestones
        add column work_status text check (work_status in ${WORK_LIST}),
        add column dispute_opened_by uuid,
        add column money_status text,
        add column money_charged bigint not null default 0 check (money_charged >= 0),
        add column money_released bigint not null default 0 check (money_released >= 0),
        add column money_platform_fee bigint not null default 0 check (money_platform_fee >= 0),
        add column money_refunded bigint not null default 0 check (money_refunded >= 0),
        add column money_disputed bigint not null default 0 check (money_disputed >= 0),
        add check (money_released + money_refunded <= money_charged and money_disputed <= money_charged)`);

    // The backfill must see every tenant's rows: RLS is forced on the owner too, so lift the
    // force for this transaction only (ALTER holds its lock until commit; restored below).
    await q.query(`alter table milestones no force row level security`);
    await q.query(`alter table activity_log no force row level security`);
    // Existing rows: the money their status implied, and which freeze a `disputed` one had
    // (a member's dispute has its opener in the activity log; billing's has no actor).
    await q.query(`
      update milestones m set
        work_status = case
          when m.status = 'disputed' then (case when m.resume_status = 'released' then 'approved' else m.resume_status end)
          when m.status = 'released' then 'approved'
          when m.status = 'refunded' then 'funded'
          else m.status end,
        money_charged = case when m.status in ${PAID} then m.amount else 0 end,
        money_released = case when m.status = 'released' or (m.status = 'disputed' and m.resume_status = 'released') then m.amount else 0 end,
        money_refunded = case when m.status = 'refunded' then m.amount else 0 end,
        money_status = case
          when m.status = 'refunded' then 'refunded'
          when m.status = 'released' or (m.status = 'disputed' and m.resume_status = 'released') then 'released'
          when m.status in ${PAID} then 'held' end,
        dispute_opened_by = case when m.status = 'disputed' then (
          select a.actor_user_id from activity_log a
           where a.target_type = 'milestone' and a.target_id = m.id::text and a.action = 'milestone.status_changed' and a.after->>'status' = 'disputed'
           order by a.created_at desc limit 1) end`);
    await q.query(`update milestones set money_disputed = amount where status = 'disputed' and dispute_opened_by is null`);
    await q.query(`alter table milestones alter column work_status set not null, alter column work_status set default 'draft'`);
    // Dropping resume_status drops the check that tied it to `disputed`.
    await q.query(`alter table milestones drop column resume_status`);
    // A release is a money fact, recorded even if it overtook the approval: only the work statuses need the deliverable.
    const [{ name }] = await q.query(
      `select conname as name from pg_constraint where conrelid = 'milestones'::regclass and contype = 'c' and pg_get_constraintdef(oid) like '%deliverable_file_version_id%'`,
    );
    await q.query(`alter table milestones drop constraint "${name}"`);
    await q.query(
      `alter table milestones add constraint milestones_deliverable_check check (work_status not in ('submitted', 'approved') or deliverable_file_version_id is not null)`,
    );

    await q.query(`alter table milestones alter column billing_version drop not null, alter column billing_version drop default`);
    await q.query(`update milestones set billing_version = null where billing_version = 0`);
    await q.query(`alter table milestones force row level security`);
    await q.query(`alter table activity_log force row level security`);
    // The money state each billing event carried, for the record (null for events before this migration).
    await q.query(`alter table milestone_money_events add column money jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`alter table milestone_money_events drop column money`);
    await q.query(`alter table milestones no force row level security`);
    await q.query(`update milestones set billing_version = 0 where billing_version is null`);
    await q.query(`alter table milestones alter column billing_version set not null, alter column billing_version set default 0`);
    await q.query(`alter table milestones drop constraint milestones_deliverable_check`);
    await q.query(`alter table milestones add column resume_status text`);
    await q.query(`update milestones set resume_status = work_status where status = 'disputed'`);
    await q.query(`alter table milestones add check ((status = 'disputed') = (resume_status is not null))`);
    await q.query(
      `alter table milestones add check (status not in ('submitted', 'approved', 'released') or deliverable_file_version_id is not null)`,
    );
    await q.query(`
      alter table milestones drop column work_status, drop column dispute_opened_by, drop column money_status, drop column money_charged,
        drop column money_released, drop column money_platform_fee, drop column money_refunded, drop column money_disputed`);
    await q.query(`alter table milestones force row level security`);
  }
}
