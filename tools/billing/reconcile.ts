/**
 * `npm run billing:reconcile`: one reconciliation run now, against the configured database and
 * Stripe (the emulator under `npm start`), as a short-lived billing replica: repairs go through
 * the same webhook processor and handlers as the service's own. If a replica's run holds the
 * lock, this one is recorded as skipped (exit code 2). Prints the run's record as JSON.
 * Environment: billing's own (DB_*, STRIPE_*, AMQP_URL…), else derived like npm start.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { verifierKeySet } from '@fpms/auth/auth-config';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { BillingAppModule } from '../../apps/billing/src/app.module';
import { billingEnvSchema } from '../../apps/billing/src/config';
import { Reconciliation } from '../../apps/billing/src/reconciliation/reconciliation.service';
import { platformEnv, serviceEnv } from '../infra/platform-env';

async function main(): Promise<number> {
  // The schedule stays off here: this process makes exactly one run.
  const env = billingEnvSchema.parse({ ...serviceEnv(platformEnv(), 'billing'), ...process.env, RECONCILE_INTERVAL_MS: '0' });
  const logger = createPinoLogger('billing-reconcile', env.LOG_LEVEL);
  const app = await NestFactory.createApplicationContext(BillingAppModule.forRoot(env, verifierKeySet(env), logger), { logger: false });
  try {
    await app.init();
    const run = await app.get(Reconciliation).run('cli');
    process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
    if (run.status === 'skipped') return 2;
    return run.status === 'completed' ? 0 : 1;
  } finally {
    await app.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`reconciliation failed: ${error.message}\n`);
    process.exit(1);
  },
);
