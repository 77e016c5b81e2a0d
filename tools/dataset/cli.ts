/**
 * Dataset generator CLI (bulk SQL, not the API), against a provisioned workspace database:
 *
 *   npm run dataset:generate -- --workspaces 10000 --milestones 1000000 --payments 1000000 [--accounts 2000] [--db fpms_workspace]
 *
 * Connects as the PostgreSQL admin (PGHOST/PGPORT/PG_ADMIN_USER/PG_ADMIN_PASSWORD): a load
 * tool, not service code. Appends to whatever is there.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { generateDataset } from './generate-dataset';

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : fallback;
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const workspaces = Number(arg('workspaces', '10000'));
  const milestones = Number(arg('milestones', '1000000'));
  const options = {
    workspaces,
    milestones,
    payments: Number(arg('payments', String(milestones))),
    accounts: Number(arg('accounts', String(Math.max(1, Math.floor(workspaces / 5))))),
    log: (line: string) => process.stdout.write(`${line}\n`),
  };
  const db = new DataSource({
    type: 'postgres',
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    username: process.env.PG_ADMIN_USER ?? 'postgres',
    password: process.env.PG_ADMIN_PASSWORD ?? 'postgres',
    database: arg('db', `${process.env.FPMS_DB_PREFIX ?? 'fpms'}_workspace`),
    extra: { max: 1 },
  });
  await db.initialize();
  const started = Date.now();
  try {
    process.stdout.write(`generating ${JSON.stringify({ ...options, log: undefined })}\n`);
    const result = await generateDataset(db, options);
    process.stdout.write(`done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(result.counts)}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((error) => {
  process.stderr.write(`dataset generation failed: ${(error as Error).message}\n`);
  process.exit(1);
});
