import { INestApplication } from '@nestjs/common';
import { startServiceApp } from '@fpms/common/bootstrap/create-service-app';
import { loadConfig } from '@fpms/common/config/load-config';
import { createPinoLogger } from '@fpms/common/logging/logger';
import { EVENT_TOPOLOGY } from '@fpms/contracts/events/event-topology';
import { cloneServiceDatabases, testAmqpUrl, uniqueName } from '@fpms/harness';
import { createBillingApp } from '../../apps/billing/src/billing-app';
import { billingEnvSchema } from '../../apps/billing/src/config';
import { platformEnv, serviceEnv } from '../../tools/infra/platform-env';
import { provisionTopology } from '../../tools/infra/provision';
import { deleteVhost, describeVhostTopology, ensureVhost } from '../../tools/infra/rabbitmq-vhost';

/** The RPC server's own queue (`billing.rpc`) and reply queues are not part of the event topology. */
const eventsOnly = async (vhost: string) => {
  const { queues, bindings } = await describeVhostTopology(vhost);
  const isEventQueue = (name: string) => /\.events(\.retry\.\d+|\.dlq)?$/.test(name);
  return {
    queues: queues.filter((l) => isEventQueue(l.split(' ')[0])),
    // Lines are "<exchange> <queue> queue <key>"; the default exchange's source is empty.
    bindings: bindings.filter((l) => l.split(' ').some(isEventQueue)),
  };
};

const vhostUrl = (vhost: string) => {
  const url = new URL(testAmqpUrl());
  url.pathname = `/${vhost}`;
  return url.toString();
};

/**
 * The topology is declared from one definition in two places: provisioning (per vhost)
 * and every service's start. Both must produce the same queues, arguments and bindings,
 * or a service would fail to start on a provisioned vhost (PRECONDITION_FAILED) or
 * provisioning would leave out a queue a service expects.
 */
describe('event topology: provisioning and service start declare the same thing', () => {
  const provisioned = uniqueName('fpms_topo_prov');
  const started = uniqueName('fpms_topo_start');
  const apps: INestApplication[] = [];
  let databases: { prefix: string; drop(): Promise<void> };

  const startBilling = async (vhost: string): Promise<void> => {
    const env = loadConfig(billingEnvSchema, {
      ...serviceEnv(platformEnv({ ...process.env, FPMS_DB_PREFIX: databases.prefix }), 'billing'),
      AMQP_URL: vhostUrl(vhost),
      HTTP_PORT: '0',
    });
    const app = await createBillingApp(env, createPinoLogger('billing', 'error'));
    apps.push(app);
    await startServiceApp(app, 0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const deadline = Date.now() + 20_000;
    // Ready means the relay's channel is set up, i.e. the topology is declared.
    while (
      (await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      )) !== 200
    ) {
      if (Date.now() > deadline) throw new Error(`billing not ready on ${vhost}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    databases = await cloneServiceDatabases(['billing']);
    await ensureVhost(provisioned);
    await ensureVhost(started);
  });

  afterAll(async () => {
    for (const app of apps) await app.close().catch(() => undefined);
    await deleteVhost(provisioned).catch(() => undefined);
    await deleteVhost(started).catch(() => undefined);
    await databases?.drop();
  });

  it('a service started on an empty vhost declares exactly what provisioning declares', async () => {
    await provisionTopology(vhostUrl(provisioned));
    // Billing consumes nothing yet, so only its relay's start-up declaration can create these.
    await startBilling(started);

    const fromProvisioning = await eventsOnly(provisioned);
    const fromStart = await eventsOnly(started);
    expect(fromStart).toEqual(fromProvisioning);

    const queueNames = fromProvisioning.queues.map((l) => l.split(' ')[0]);
    for (const def of Object.values(EVENT_TOPOLOGY.consumers)) {
      expect(queueNames).toEqual(expect.arrayContaining([def.queue, `${def.queue}.dlq`, `${def.queue}.retry.1`]));
      for (const pattern of def.bindings)
        expect(fromProvisioning.bindings).toContain(`${EVENT_TOPOLOGY.exchange} ${def.queue} queue ${pattern}`);
    }
  });

  it('a service starts cleanly on a provisioned vhost (same arguments, nothing refused)', async () => {
    const before = await eventsOnly(provisioned);
    await startBilling(provisioned);
    expect(await eventsOnly(provisioned)).toEqual(before);
  });
});
