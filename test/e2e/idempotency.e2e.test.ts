import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MilestonesRpc, RpcContext } from '@fpms/contracts';
import { IdempotencyKeysPurge } from '@fpms/database/idempotency-purge';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
} from '@fpms/harness';

/**
 * Idempotency-Key on every creating POST (README "Idempotent requests"): a retry with the
 * same key and body answers the first result and creates nothing; another body is 422;
 * keys are per user and live 24 h.
 */
describe('idempotent creating requests', () => {
  let s3: Awaited<ReturnType<typeof startTestS3>>;
  let platform: RunningPlatform;
  let workspaceDb: DataSource;
  let owner: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const post = (who: SignedUpUser, path: string, body: object, key?: string) => {
    const req = api().post(`/api/v1${path}`).set(bearer(who.token));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };
  const count = async (table: string, where: string, params: unknown[]) =>
    (await workspaceDb.query(`select count(*)::int as n from ${table} where ${where}`, params))[0].n as number;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        workspace: { REVIEW_TIMER_POLL_MS: '0' },
        files: s3.filesEnv({ FILES_ALLOWED_CONTENT_TYPES: 'text/plain', FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
      },
    });
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
    owner = await signUp(platform.gatewayUrl, 'Owner');
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
  });

  afterAll(async () => {
    await workspaceDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  it('a retried workspace creation answers the first workspace, byte for byte, and creates one', async () => {
    const key = randomUUID();
    const first = await post(owner, '/workspaces', { name: 'Retried', clientName: 'ACME' }, key);
    expect(first.status).toBe(201);
    // The same body with other key order and spacing is the same request.
    const again = await api()
      .post('/api/v1/workspaces')
      .set(bearer(owner.token))
      .set('Idempotency-Key', key)
      .set('Content-Type', 'application/json')
      .send('{ "clientName": "ACME",  "name": "Retried" }');
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(await count('workspaces', `account_id = $1 and name = 'Retried'`, [owner.accountId])).toBe(1);
  });

  it('milestones, tasks, invitations: same key → same answer; another body → 422 idempotency_key_reused', async () => {
    const cases: Array<{ path: string; body: object; other: object; table: string }> = [
      {
        path: `/workspaces/${workspaceId}/milestones`,
        body: { title: 'Design', amount: 50000, currency: 'EUR' },
        other: { title: 'Design', amount: 60000, currency: 'EUR' },
        table: 'milestones',
      },
      { path: `/workspaces/${workspaceId}/tasks`, body: { title: 'Wireframes' }, other: { title: 'Mockups' }, table: 'tasks' },
      {
        path: `/workspaces/${workspaceId}/invitations`,
        body: { role: 'collaborator' },
        other: { role: 'client_viewer' },
        table: 'workspace_invitations',
      },
    ];
    for (const c of cases) {
      const key = `retry-${c.table}-${randomUUID()}`;
      const first = await post(owner, c.path, c.body, key);
      expect(first.status).toBe(201);
      const again = await post(owner, c.path, c.body, key);
      expect({ table: c.table, status: again.status, body: again.body }).toEqual({ table: c.table, status: 201, body: first.body });
      expect(await count(c.table, 'id = $1', [first.body.id])).toBe(1);
      const before = await count(c.table, 'workspace_id = $1', [workspaceId]);
      const reused = await post(owner, c.path, c.other, key);
      expect({ table: c.table, status: reused.status, code: reused.body.error?.code }).toEqual({
        table: c.table,
        status: 422,
        code: 'idempotency_key_reused',
      });
      // A key used on another route is another request too.
      const elsewhere = await post(owner, '/workspaces', { name: 'Elsewhere' }, key);
      expect(elsewhere.status).toBe(422);
      expect(await count(c.table, 'workspace_id = $1', [workspaceId])).toBe(before);
    }
  });

  it('without a key every request creates (a client retry without a key is a new request)', async () => {
    const path = `/workspaces/${workspaceId}/tasks`;
    const a = await post(owner, path, { title: 'No key' });
    const b = await post(owner, path, { title: 'No key' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.id).not.toBe(b.body.id);
  });

  it('keys are per user: the same key of two users creates two resources', async () => {
    const other = await signUp(platform.gatewayUrl, 'Other');
    const key = 'shared-key';
    const mine = await post(owner, '/workspaces', { name: 'Same key' }, key);
    const theirs = await post(other, '/workspaces', { name: 'Same key' }, key);
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.accountId).toBe(other.accountId);
  });

  it('concurrent duplicates wait for the first and answer its result: one milestone', async () => {
    const key = randomUUID();
    const body = { title: 'Concurrent', amount: 1000, currency: 'EUR' };
    const answers = await Promise.all(Array.from({ length: 8 }, () => post(owner, `/workspaces/${workspaceId}/milestones`, body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(201));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await count('milestones', `workspace_id = $1 and title = 'Concurrent'`, [workspaceId])).toBe(1);
  });

  it('a replay is authorized like a new request: a removed member gets 404, not the stored answer', async () => {
    const collaborator = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'collaborator');
    const key = randomUUID();
    const path = `/workspaces/${workspaceId}/tasks`;
    expect((await post(collaborator, path, { title: 'Before removal' }, key)).status).toBe(201);
    const removed = await api().delete(`/api/v1/workspaces/${workspaceId}/members/${collaborator.userId}`).set(bearer(owner.token));
    expect(removed.status).toBe(204);
    expect((await post(collaborator, path, { title: 'Before removal' }, key)).status).toBe(404);
  });

  it('a malformed key is 400 with the error body, and nothing is created', async () => {
    for (const key of ['x'.repeat(256), 'tab\there', 'é']) {
      const res = await post(owner, `/workspaces/${workspaceId}/tasks`, { title: `Bad key ${key.length}` }, key);
      expect({ key, status: res.status, code: res.body.error?.code }).toEqual({ key, status: 400, code: 'idempotency_key_invalid' });
    }
    expect(await count('tasks', `workspace_id = $1 and title like 'Bad key%'`, [workspaceId])).toBe(0);
    expect((await post(owner, `/workspaces/${workspaceId}/tasks`, { title: 'Longest key' }, 'k'.repeat(255))).status).toBe(201);
  });

  it('a key older than 24 h is forgotten: the same key then creates anew', async () => {
    const key = randomUUID();
    const path = `/workspaces/${workspaceId}/tasks`;
    const first = await post(owner, path, { title: 'Yesterday' }, key);
    expect(first.status).toBe(201);
    await workspaceDb.query(`update idempotency_keys set created_at = now() - interval '25 hours' where user_id = $1 and key = $2`, [
      owner.userId,
      key,
    ]);
    const later = await post(owner, path, { title: 'Today' }, key);
    expect(later.status).toBe(201);
    expect(later.body.id).not.toBe(first.body.id);
    expect((await post(owner, path, { title: 'Today' }, key)).body.id).toBe(later.body.id);
  });

  it('the hourly purge deletes keys past 24 h (with their stored answers) in every service that keeps them', async () => {
    for (const service of ['workspace', 'files'] as const) {
      const db = service === 'workspace' ? workspaceDb : await connectServiceDb('files', 'system', platform.dbPrefix);
      try {
        const [oldKey, freshKey] = [randomUUID(), randomUUID()];
        await db.query(
          `insert into idempotency_keys (user_id, key, request_hash, response, created_at)
           values ($1, $2, 'h', '{"token":"secret"}', now() - interval '25 hours'), ($1, $3, 'h', '{}', now() - interval '23 hours')`,
          [owner.userId, oldKey, freshKey],
        );
        expect(await platform.apps[service]!.get(IdempotencyKeysPurge).runOnce()).toBeGreaterThanOrEqual(1);
        const left = await db.query(`select key from idempotency_keys where key = any($1)`, [[oldKey, freshKey]]);
        expect({ service, left: left.map((r: { key: string }) => r.key) }).toEqual({ service, left: [freshKey] });
      } finally {
        if (db !== workspaceDb) await db.destroy();
      }
    }
  });

  it('file uploads and new versions: a retry answers the same file and version', async () => {
    const filesPath = `/workspaces/${workspaceId}/files`;
    const key = randomUUID();
    const body = { name: 'brief.txt', size: 5, contentType: 'text/plain' };
    const first = await post(owner, filesPath, body, key);
    expect(first.status).toBe(201);
    const again = await post(owner, filesPath, body, key);
    expect(again.status).toBe(201);
    expect([again.body.file.id, again.body.version.id]).toEqual([first.body.file.id, first.body.version.id]);
    const versionKey = randomUUID();
    const v2 = await post(owner, `${filesPath}/${first.body.file.id}/versions`, { size: 6, contentType: 'text/plain' }, versionKey);
    const v2again = await post(owner, `${filesPath}/${first.body.file.id}/versions`, { size: 6, contentType: 'text/plain' }, versionKey);
    expect([v2.status, v2again.status]).toEqual([201, 201]);
    expect(v2again.body.version.id).toBe(v2.body.version.id);
    const detail = await api().get(`/api/v1${filesPath}/${first.body.file.id}`).set(bearer(owner.token));
    expect(detail.body.versions).toHaveLength(2);
  });

  it('an RPC redelivered without a client key (the gateway made one) still creates once', async () => {
    // A redelivered message is byte-identical to the first: same ctx, same gateway-made key.
    const rpc = new RpcClient({ url: platform.amqpUrl });
    try {
      const ctx: RpcContext = {
        requestId: randomUUID(),
        userId: owner.userId,
        accountId: owner.accountId,
        workspaceId,
        token: owner.token,
        idempotency: { key: `gateway:${randomUUID()}`, requestHash: 'a'.repeat(64) },
      };
      const data = { workspaceId, title: 'Redelivered', amount: 700, currency: 'EUR' };
      const first = await rpc.call(MilestonesRpc.create, data, ctx);
      const redelivered = await rpc.call(MilestonesRpc.create, data, ctx);
      expect(redelivered.id).toBe(first.id);
      expect(await count('milestones', `workspace_id = $1 and title = 'Redelivered'`, [workspaceId])).toBe(1);
    } finally {
      await rpc.close();
    }
  });
});
