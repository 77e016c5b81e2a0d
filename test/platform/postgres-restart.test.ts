import { Client } from 'pg';
import request from 'supertest';
import { serviceDatabaseName } from '@fpms/database';
import {
  bearer,
  entitlementsEvent,
  EntitlementsPublisher,
  eventually,
  PrivatePostgres,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startPrivatePostgres,
} from '@fpms/harness';
import { platformEnv } from '../../tools/infra/platform-env';
import { provisionDatabases } from '../../tools/infra/provision';

/**
 * PostgreSQL restarts while requests keep coming (a failover, a minor-version upgrade).
 * Every answer is 2xx or a retryable 503, never a 500; every workspace whose creation was
 * answered 201 exists afterwards; the platform serves again without being restarted.
 * The restarted server is a private cluster of this test: the machine's is shared.
 */
const WORKERS = 4;
const OUTAGE_MS = 2_000;
const RECOVERY_DEADLINE_MS = 60_000;
const SERVICES = ['gateway', 'workspace'] as const;

interface Outcome {
  status: number;
  code?: string;
  retryAfter?: string;
  what: string;
}

describe('a PostgreSQL restart under load', () => {
  let pg: PrivatePostgres;
  let platform: RunningPlatform;
  const dbPrefix = 'fpms_pgrestart';

  beforeAll(async () => {
    pg = await startPrivatePostgres();
    await provisionDatabases(
      platformEnv({ ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PG_ADMIN_USER: pg.user, FPMS_DB_PREFIX: dbPrefix }),
      SERVICES,
    );
    platform = await startPlatform({ services: SERVICES, postgres: { host: pg.host, port: pg.port, dbPrefix } });
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    await pg?.destroy();
  });

  it('answers 2xx or 503 (never 500) during the restart, loses nothing committed and recovers', async () => {
    const user: SignedUpUser = await signUp(platform.gatewayUrl);
    const api = request(platform.gatewayUrl);
    // The load creates dozens of workspaces: the account is on a plan without that limit.
    const publisher = await EntitlementsPublisher.connect(platform.amqpUrl);
    await publisher.publish(entitlementsEvent(user.accountId, 1, { plan: 'enterprise' }));
    await publisher.close();
    const workspaceDb = new Client({ host: pg.host, port: pg.port, user: pg.user, database: serviceDatabaseName('workspace', dbPrefix) });
    await workspaceDb.connect();
    await eventually('enterprise entitlements', async () => {
      const { rows } = await workspaceDb.query('select 1 from account_entitlements where account_id = $1', [user.accountId]);
      return rows.length === 1;
    });
    await workspaceDb.end();
    const outcomes: Outcome[] = [];
    const created: string[] = [];
    let running = true;
    let n = 0;

    const oneRequest = async (): Promise<Outcome> => {
      const i = n++;
      if (i % 2 === 0) {
        const res = await api
          .post('/api/v1/workspaces')
          .set(bearer(user.token))
          .send({ name: `under load ${i}` });
        if (res.status === 201) created.push(res.body.id);
        return { status: res.status, code: res.body?.error?.code, retryAfter: res.headers['retry-after'], what: 'create' };
      }
      // /me reads the gateway's own database as well as the workspace service's.
      const what = i % 4 === 1 ? 'me' : 'list';
      const res = await api.get(what === 'me' ? '/api/v1/me' : '/api/v1/workspaces').set(bearer(user.token));
      return { status: res.status, code: res.body?.error?.code, retryAfter: res.headers['retry-after'], what };
    };
    const worker = async () => {
      while (running) outcomes.push(await oneRequest());
    };

    const workers = Array.from({ length: WORKERS }, worker);
    // Some traffic before the restart, so requests are in flight when it happens.
    while (created.length < 5) await new Promise((r) => setTimeout(r, 20));
    const beforeRestart = outcomes.length;
    await pg.stop('fast');
    // The public readiness endpoint names the dependency that is down, not the driver's message.
    const health = await request(platform.gatewayUrl).get('/health/ready');
    expect(health.status).toBe(503);
    expect(health.body.error.details.error).toEqual({
      database: { status: 'down', reason: expect.stringMatching(/^(unreachable|timeout)$/) },
    });
    expect(health.text).not.toContain(String(pg.port));
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    await pg.start();
    const duringOutage = outcomes.length - beforeRestart;

    // Recovery: keep the load on until a create succeeds again, then a clean stretch.
    const deadline = Date.now() + RECOVERY_DEADLINE_MS;
    const createdAtRestart = created.length;
    while (created.length < createdAtRestart + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    running = false;
    await Promise.all(workers);

    const failures = outcomes.filter((o) => !(o.status >= 200 && o.status < 300) && o.status !== 503);
    if (failures.length) throw new Error(`answers other than 2xx/503: ${JSON.stringify(failures.slice(0, 5))}\n${pg.log().slice(-2000)}`);
    const unavailable = outcomes.filter((o) => o.status === 503);
    // The outage reached the callers (else this test proved nothing) ...
    expect(duringOutage).toBeGreaterThan(0);
    expect(unavailable.length).toBeGreaterThan(0);
    // ... as retryable errors.
    for (const o of unavailable) expect(o).toMatchObject({ code: 'service_unavailable', retryAfter: expect.stringMatching(/^\d+$/) });
    expect(created.length).toBeGreaterThan(createdAtRestart);

    // Recovered: a fresh stretch of requests all succeed, logins included (the gateway's own database).
    for (let i = 0; i < 10; i++) {
      const o = await oneRequest();
      expect(o.status).toBeGreaterThanOrEqual(200);
      expect(o.status).toBeLessThan(300);
    }
    expect((await api.post('/api/v1/auth/login').send({ email: user.email, password: user.password })).status).toBe(200);

    // Nothing committed was lost: every workspace answered 201 is in the database and in the list.
    const client = new Client({ host: pg.host, port: pg.port, user: pg.user, database: serviceDatabaseName('workspace', dbPrefix) });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string }>('select id from workspaces where id = any($1::uuid[])', [created]);
      expect(rows.map((r) => r.id).sort()).toEqual([...created].sort());
    } finally {
      await client.end();
    }
    const listed = await api.get('/api/v1/workspaces').set(bearer(user.token));
    expect(listed.status).toBe(200);
    const listedIds = new Set((listed.body.items as Array<{ id: string }>).map((w) => w.id));
    for (const id of created) expect(listedIds.has(id)).toBe(true);
  }, 180_000);
});
