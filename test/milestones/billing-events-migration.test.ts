import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Client } from 'pg';
import { serviceRoles } from '@fpms/database/database-roles';
import { createScratchDatabase, ScratchDatabase } from '@fpms/harness';
import { platformEnv } from '../../tools/infra/platform-env';
import { workspaceMigrations } from '../../apps/workspace/migrations';
import { visibleStatus } from '../../apps/workspace/src/milestones/milestone-state-machine';
import { MilestoneRow, stateOf } from '../../apps/workspace/src/milestones/milestones.repository';

/**
 * The money-state migration on milestones written before it: each keeps its status, gets
 * the money its status implied, and a `disputed` one gets the right freeze (a member's
 * dispute from the activity log, otherwise billing's chargeback). No money fact is lost.
 */
describe('milestone money-state migration', () => {
  let scratch: ScratchDatabase;
  const owner = serviceRoles('workspace', platformEnv(process.env).rolePrefix).owner;
  const connect = (migrations: Array<new () => unknown>) =>
    new DataSource({
      type: 'postgres',
      host: scratch.host,
      port: scratch.port,
      // As the service's owner role, like provisioning: the migrations name its sibling roles.
      username: owner,
      password: platformEnv(process.env).rolePassword,
      database: scratch.name,
      migrations: migrations as never,
      extra: { max: 1 },
    }).initialize();

  beforeAll(async () => {
    scratch = await createScratchDatabase('money_mig');
    const admin = new Client({
      host: scratch.host,
      port: scratch.port,
      user: scratch.user,
      password: scratch.password,
      database: 'postgres',
    });
    await admin.connect();
    await admin.query(`alter database "${scratch.name}" owner to "${owner}"`);
    await admin.end();
  });
  afterAll(async () => {
    await scratch?.drop();
  });

  it('backfills money and freezes from the old statuses', async () => {
    const index = workspaceMigrations.findIndex((m) => m.name === 'MilestoneMoneyState1732300650000');
    expect(index).toBeGreaterThan(0);
    const before = await connect(workspaceMigrations.slice(0, index) as never);
    await before.runMigrations();
    await before.destroy();
    // Rows as the old code wrote them, through a superuser connection (RLS is forced on the owner).
    const old = await new DataSource({
      type: 'postgres',
      host: scratch.host,
      port: scratch.port,
      username: scratch.user,
      password: scratch.password,
      database: scratch.name,
    }).initialize();
    const accountId = randomUUID();
    const workspaceId = randomUUID();
    const client = randomUUID();
    await old.query(`insert into accounts (id, name, owner_user_id) values ($1, 'A', $2)`, [accountId, randomUUID()]);
    await old.query(`insert into workspaces (id, account_id, name, created_by) values ($1, $2, 'W', $3)`, [workspaceId, accountId, client]);
    const ids: Record<string, string> = {};
    const insert = async (key: string, status: string, resume: string | null, deliverable: boolean) => {
      ids[key] = randomUUID();
      await old.query(
        `insert into milestones (id, account_id, workspace_id, title, amount, currency, review_window_days, status, resume_status, deliverable_file_version_id, billing_version, created_by, created_at, updated_at)
         values ($1, $2, $3, $4, 5000, 'EUR', 14, $5, $6, $7, $8, $9, now(), now())`,
        [ids[key], accountId, workspaceId, key, status, resume, deliverable ? randomUUID() : null, status === 'draft' ? 0 : 3, client],
      );
    };
    await insert('draft', 'draft', null, false);
    await insert('funded', 'funded', null, false);
    await insert('released', 'released', null, true);
    await insert('refunded', 'refunded', null, false);
    await insert('inapp', 'disputed', 'submitted', true);
    await insert('chargeback', 'disputed', 'approved', true);
    await insert('chargeback_released', 'disputed', 'released', true);
    const activity = (key: string, actor: string | null) =>
      old.query(
        `insert into activity_log (account_id, workspace_id, actor_user_id, action, target_type, target_id, before, after) values ($1, $2, $3, 'milestone.status_changed', 'milestone', $4, '{}', '{"status":"disputed"}')`,
        [accountId, workspaceId, actor, ids[key]],
      );
    await activity('inapp', client);
    await activity('chargeback', null);
    const after = await connect(workspaceMigrations.slice(0, index + 1) as never);
    expect((await after.runMigrations()).map((m) => m.name)).toEqual(['MilestoneMoneyState1732300650000']);
    await after.destroy();
    const db = old;
    const rows: Array<MilestoneRow & { title: string; billing_version: string | null }> = await db.query(
      `select title, status, work_status, dispute_opened_by, money_status, money_charged::text, money_released::text, money_platform_fee::text,
              money_refunded::text, money_disputed::text, billing_version::text from milestones`,
    );
    const by = Object.fromEntries(rows.map((r) => [r.title, r]));
    for (const r of rows) expect({ title: r.title, derived: visibleStatus(stateOf(r)) }).toEqual({ title: r.title, derived: r.status });
    const money = (key: string) => stateOf(by[key]).money;
    expect(by.draft).toMatchObject({ work_status: 'draft', billing_version: null, money_status: null });
    expect(money('draft')).toEqual({ charged: 0, released: 0, platformFee: 0, refunded: 0, disputed: 0 });
    expect(money('funded')).toMatchObject({ charged: 5000, released: 0 });
    expect(money('released')).toMatchObject({ charged: 5000, released: 5000 });
    expect(money('refunded')).toMatchObject({ charged: 5000, refunded: 5000 });
    expect(by.inapp).toMatchObject({ work_status: 'submitted', dispute_opened_by: client, money_disputed: '0' });
    expect(by.chargeback).toMatchObject({ work_status: 'approved', dispute_opened_by: null, money_disputed: '5000', billing_version: '3' });
    expect(by.chargeback_released).toMatchObject({ work_status: 'approved', money_released: '5000', money_disputed: '5000' });
    // RLS is forced again once the backfill is done.
    const forced = await db.query(
      `select relname, relforcerowsecurity as forced from pg_class where relname in ('milestones', 'activity_log') order by relname`,
    );
    expect(forced).toEqual([
      { relname: 'activity_log', forced: true },
      { relname: 'milestones', forced: true },
    ]);
    await db.destroy();
  });
});
