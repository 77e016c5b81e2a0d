import { DataSource } from 'typeorm';
import { adminPgConfig, RunningPlatform, startPlatform } from '@fpms/harness';
import { CrossTenantDashboardRebuildRepository } from '../../apps/workspace/src/dashboard/dashboard-rebuild.repository';
import { visibleStatus } from '../../apps/workspace/src/milestones/milestone-state-machine';
import { MilestoneRow, stateOf } from '../../apps/workspace/src/milestones/milestones.repository';
import { generateDataset } from '../../tools/dataset/generate-dataset';
import { MILESTONE_ONLY_WORKSPACE_ENV } from './support';

const dashboardRebuild = new CrossTenantDashboardRebuildRepository();

/** The bench dataset generator writes milestones the money model accepts, and the rebuild counts them. */
describe('dataset generator with the money state', () => {
  let platform: RunningPlatform;
  let db: DataSource;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['workspace'], env: { workspace: MILESTONE_ONLY_WORKSPACE_ENV } });
    const admin = adminPgConfig();
    db = new DataSource({
      type: 'postgres',
      host: admin.host,
      port: admin.port,
      username: admin.user,
      password: admin.password,
      database: `${platform.dbPrefix}_workspace`,
      extra: { max: 1 },
    });
    await db.initialize();
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('every generated milestone shows the status its money and freezes derive, and the dashboards sum the money', async () => {
    await generateDataset(db, { accounts: 4, workspaces: 12, milestones: 3_000, payments: 3_000 });
    const rows: MilestoneRow[] = await db.query(
      `select status, work_status, dispute_opened_by, money_status, money_charged::text, money_released::text, money_platform_fee::text, money_refunded::text, money_disputed::text from milestones`,
    );
    expect(rows.length).toBe(3_000);
    const wrong = rows.filter((r) => visibleStatus(stateOf(r)) !== r.status);
    expect(wrong).toEqual([]);
    expect(new Set(rows.map((r) => r.status)).size).toBe(13);

    const [totals] = await db.query(
      `select sum(money_released)::text as released, sum(money_charged)::text as paid, sum(money_disputed)::text as disputed from milestones`,
    );
    const [dash] = await db.query(
      `select sum(released)::text as released, sum(paid)::text as paid, sum(disputed)::text as disputed from account_dashboard_money`,
    );
    expect(dash).toEqual(totals);
    const before = await dashboardRebuild.snapshot(db);
    await dashboardRebuild.rebuildAll(db);
    expect(await dashboardRebuild.snapshot(db)).toEqual(before);
  });
});
