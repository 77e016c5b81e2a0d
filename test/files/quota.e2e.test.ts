import { randomUUID } from 'node:crypto';
import * as amqplib from 'amqplib';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { BillingAccountEvents, PLAN_LIMITS } from '@fpms/contracts';
import { bearer, connectServiceDb, createWorkspace, RunningPlatform, signUp, startPlatform, startTestS3, TestS3 } from '@fpms/harness';

const MiB = 1024 * 1024;

/** Quotas from the plan projection, under concurrency; multipart uploads for large files. */
describe('files: quotas, plans and multipart uploads', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let db: DataSource;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        files: s3.filesEnv({
          FILES_MULTIPART_THRESHOLD_BYTES: String(5 * MiB),
          FILES_MULTIPART_PART_SIZE_BYTES: String(5 * MiB),
          FILES_CLEANUP_INTERVAL_SECONDS: '0',
        }),
      },
    });
    db = await connectServiceDb('files', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
    await s3?.close();
  });

  async function planOf(accountId: string): Promise<string | undefined> {
    const [row] = await db.query(`select plan from account_plans where account_id = $1`, [accountId]);
    return row?.plan;
  }

  async function waitForPlan(accountId: string, plan: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while ((await planOf(accountId)) !== plan) {
      if (Date.now() > deadline) throw new Error(`plan of ${accountId} did not become ${plan}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('holds the quota under 20 concurrent uploads: exactly as many as fit are accepted', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Busy');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    const size = PLAN_LIMITS.free.maxFileSizeBytes;
    const fits = Math.floor(PLAN_LIMITS.free.storageQuotaBytes / size);
    expect(fits).toBeLessThan(20);

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api()
          .post(`/api/v1/workspaces/${workspace.id}/files`)
          .set(bearer(owner.token))
          .send({ name: `big-${i}.pdf`, size, contentType: 'application/pdf' }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(fits).fill(201), ...Array(20 - fits).fill(409)]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body.error).toMatchObject({
      code: 'storage_quota_exceeded',
      details: { quotaBytes: PLAN_LIMITS.free.storageQuotaBytes, plan: 'free' },
    });
    const [usage] = await db.query(`select used_bytes, reserved_bytes from storage_usage where account_id = $1`, [owner.accountId]);
    expect(Number(usage.reserved_bytes)).toBe(fits * size);
    expect(Number(usage.used_bytes) + Number(usage.reserved_bytes)).toBeLessThanOrEqual(PLAN_LIMITS.free.storageQuotaBytes);
    const [{ n }] = await db.query(`select count(*)::int as n from file_versions where account_id = $1`, [owner.accountId]);
    expect(n).toBe(fits);
  });

  it('projects the account plan from workspace.account.created, and billing.account.plan_changed raises the limits', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Upgrader');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    await waitForPlan(owner.accountId, 'free');
    const big = { name: 'film.mp4', size: PLAN_LIMITS.free.maxFileSizeBytes + 1, contentType: 'video/mp4' };
    const refused = await api().post(`/api/v1/workspaces/${workspace.id}/files`).set(bearer(owner.token)).send(big);
    expect([refused.status, refused.body.error.code]).toEqual([400, 'file_too_large']);

    const connection = await amqplib.connect(platform.amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertExchange('fpms.events', 'topic', { durable: true });
      const publish = (plan: string, version: number) => {
        const id = randomUUID();
        const envelope = {
          id,
          type: BillingAccountEvents.accountPlanChanged,
          tenant: { accountId: owner.accountId },
          aggregateId: owner.accountId,
          aggregateVersion: version,
          occurredAt: new Date().toISOString(),
          data: { accountId: owner.accountId, plan, previousPlan: 'free' },
        };
        channel.publish('fpms.events', envelope.type, Buffer.from(JSON.stringify(envelope)), {
          persistent: true,
          messageId: id,
          contentType: 'application/json',
        });
      };
      publish('pro', 2);
      await channel.waitForConfirms();
      await waitForPlan(owner.accountId, 'pro');
      // An older change arriving late is ignored.
      publish('free', 1);
      await channel.waitForConfirms();
      await new Promise((r) => setTimeout(r, 500));
      expect(await planOf(owner.accountId)).toBe('pro');
    } finally {
      await connection.close();
    }
    const accepted = await api().post(`/api/v1/workspaces/${workspace.id}/files`).set(bearer(owner.token)).send(big);
    expect(accepted.status).toBe(201);
    expect(accepted.body.upload.method).toBe('multipart');
  });

  it('uploads a large file in parts and completes it with the parts’ ETags', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Large');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    const bytes = Buffer.alloc(6 * MiB + 123, 7);
    const started = await api()
      .post(`/api/v1/workspaces/${workspace.id}/files`)
      .set(bearer(owner.token))
      .send({ name: 'archive.zip', size: bytes.length, contentType: 'application/zip' });
    expect(started.status).toBe(201);
    const upload = started.body.upload;
    expect(upload.method).toBe('multipart');
    expect(upload.parts.map((p: { partNumber: number; size: number }) => [p.partNumber, p.size])).toEqual([
      [1, 5 * MiB],
      [2, MiB + 123],
    ]);
    const completePath = `/api/v1/workspaces/${workspace.id}/files/${started.body.file.id}/versions/${started.body.version.id}/complete`;
    const withoutParts = await api().post(completePath).set(bearer(owner.token)).send({});
    expect([withoutParts.status, withoutParts.body.error.code]).toEqual([409, 'upload_incomplete']);

    let offset = 0;
    const parts: Array<{ partNumber: number; etag: string }> = [];
    for (const part of upload.parts as Array<{ partNumber: number; url: string; size: number }>) {
      const res = await fetch(part.url, { method: 'PUT', body: bytes.subarray(offset, offset + part.size) });
      expect(res.status).toBe(200);
      parts.push({ partNumber: part.partNumber, etag: res.headers.get('etag')! });
      offset += part.size;
    }
    const done = await api().post(completePath).set(bearer(owner.token)).send({ parts });
    expect(done.status).toBe(200);
    expect(done.body.latestVersion).toMatchObject({ status: 'ready', size: bytes.length, contentType: 'application/zip' });
    const download = await api().get(`/api/v1/workspaces/${workspace.id}/files/${started.body.file.id}/download`).set(bearer(owner.token));
    const fetched = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    expect(fetched.equals(bytes)).toBe(true);
  });
});
