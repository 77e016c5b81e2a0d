import * as amqplib from 'amqplib';
import { DataSource } from 'typeorm';
import { EVENT_TOPOLOGY } from '@fpms/contracts';
import { serviceDatabaseName } from '@fpms/database';
import { cloneServiceDatabases, connectServiceDb, RunningPlatform, signUp, startPlatform, startTestS3, TestS3 } from '@fpms/harness';

/**
 * The case with real services: events published while their consumers have never
 * run. A signup's `workspace.account.created` waits in the files and billing queues (the
 * topology is declared at provisioning, and the relay publishes `mandatory`), and the
 * files service applies it when it first starts.
 */
describe('events published before their consumer ever started', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let late: RunningPlatform | undefined;
  let filesDatabases: { prefix: string; drop(): Promise<void> };
  let filesDb: DataSource | undefined;

  const queueDepth = async (queue: string): Promise<number> => {
    const connection = await amqplib.connect(platform.amqpUrl);
    try {
      const channel = await connection.createChannel();
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await connection.close();
    }
  };

  beforeAll(async () => {
    s3 = await startTestS3();
    // Gateway and workspace only: no files or billing service has ever consumed on this vhost.
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    filesDatabases = await cloneServiceDatabases(['files']);
  });

  afterAll(async () => {
    await filesDb?.destroy();
    await late?.close();
    await platform?.close();
    await filesDatabases?.drop();
    await s3?.close();
  });

  it('are queued for every consumer and applied by the files service when it starts', async () => {
    await signUp(platform.gatewayUrl, 'Early');
    const deadline = Date.now() + 15_000;
    while ((await queueDepth(EVENT_TOPOLOGY.consumers.files.queue)) < 1) {
      if (Date.now() > deadline) throw new Error('workspace.account.created never reached files.events');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await queueDepth(EVENT_TOPOLOGY.consumers.billing.queue)).toBeGreaterThanOrEqual(1);

    late = await startPlatform({
      services: ['files'],
      shareWith: platform,
      env: { files: s3.filesEnv({ DB_NAME: serviceDatabaseName('files', filesDatabases.prefix), FILES_CLEANUP_INTERVAL_SECONDS: '0' }) },
    });
    filesDb = await connectServiceDb('files', 'system', filesDatabases.prefix);
    // Files takes the account event through its inbox (nothing in files follows it now: plans
    // come from billing.entitlements.changed), and the queue drains.
    const takenDeadline = Date.now() + 15_000;
    for (;;) {
      const [{ n }] = await filesDb.query(`select count(*)::int as n from inbox_messages`);
      if (n >= 1) break;
      if (Date.now() > takenDeadline) throw new Error('the files service never applied the early account event');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await queueDepth(EVENT_TOPOLOGY.consumers.files.queue)).toBe(0);
  });
});
