/**
 * `npm run workspace:rebuild-dashboards`: recomputes every dashboard row of the workspace
 * service from its source tables, as the system (BYPASSRLS) role. Safe while the service
 * runs (writers wait for the rebuild's table lock). Connection: DB_HOST/DB_PORT/DB_NAME/
 * DB_SYSTEM_USER/DB_SYSTEM_PASSWORD, else derived like npm start (FPMS_DB_PREFIX, …).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CrossTenantDashboardRebuildRepository } from '../../apps/workspace/src/dashboard/dashboard-rebuild.repository';
import { platformEnv, serviceEnv } from '../infra/platform-env';

const dashboardRebuild = new CrossTenantDashboardRebuildRepository();

async function main(): Promise<void> {
  const defaults = serviceEnv(platformEnv(), 'workspace');
  const env = { ...defaults, ...process.env };
  const db = new DataSource({
    type: 'postgres',
    host: env.DB_HOST,
    port: Number(env.DB_PORT),
    database: env.DB_NAME,
    username: env.DB_SYSTEM_USER,
    password: env.DB_SYSTEM_PASSWORD,
    extra: { max: 1, application_name: 'fpms-rebuild-dashboards' },
  });
  await db.initialize();
  try {
    const result = await dashboardRebuild.rebuildAll(db);
    process.stdout.write(
      `rebuilt dashboards of ${result.workspaces} workspaces and ${result.accounts} accounts in ${result.ms} ms (${env.DB_NAME})\n`,
    );
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
  process.exit(1);
});
