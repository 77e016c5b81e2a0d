import request from 'supertest';
import { DataSource } from 'typeorm';
import { PLAN_LIMITS } from '@fpms/contracts';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  EntitlementsPublisher,
  entitlementsEvent,
  eventually,
  RunningPlatform,
  signUp,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';

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
    expect(statuses).toEqual([...Array(fits).fill(201), ...Array(20 - fits).fill(402)]);
    const refused = results.find((r) => r.status === 402)!;
    expect(refused.body.error).toMatchObject({
      code: 'storage_quota_bytes_limit_reached',
      details: {
        limit: 'storageQuotaBytes',
        max: PLAN_LIMITS.free.storageQuotaBytes,
        current: fits * size,
        requested: size,
        plan: 'free',
        planThatLifts: 'pro',
      },
    });
    const [usage] = await db.query(`select used_bytes, reserved_bytes from storage_usage where account_id = $1`, [owner.accountId]);
    expect(Number(usage.reserved_bytes)).toBe(fits * size);
    expect(Number(usage.used_bytes) + Number(usage.reserved_bytes)).toBeLessThanOrEqual(PLAN_LIMITS.free.storageQuotaBytes);
    const [{ n }] = await db.query(`select count(*)::int as n from file_versions where account_id = $1`, [owner.accountId]);
    expect(n).toBe(fits);
  });

  it('starts every account on the free plan, and billing.entitlements.changed raises the limits (older versions ignored)', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Upgrader');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    const big = { name: 'film.mp4', size: PLAN_LIMITS.free.maxFileSizeBytes + 1, contentType: 'video/mp4' };
    const refused = await api().post(`/api/v1/workspaces/${workspace.id}/files`).set(bearer(owner.token)).send(big);
    expect([refused.status, refused.body.error.code]).toEqual([402, 'max_file_size_bytes_limit_reached']);

    const publisher = await EntitlementsPublisher.connect(platform.amqpUrl);
    try {
      await publisher.publish(entitlementsEvent(owner.accountId, 2, { plan: 'pro' }));
      await eventually('pro in files', async () => {
        const [row] = await db.query(`select plan from account_entitlements where account_id = $1`, [owner.accountId]);
        return row?.plan === 'pro';
      });
      // An older change arriving late is ignored.
      const late = entitlementsEvent(owner.accountId, 1, { plan: 'free' });
      await publisher.publish(late);
      await eventually('the late event taken', async () => {
        const [{ n }] = await db.query(`select count(*)::int as n from inbox_messages where message_id = $1`, [late.id]);
        return n === 1;
      });
      const [row] = await db.query(`select plan, version from account_entitlements where account_id = $1`, [owner.accountId]);
      expect(row).toEqual({ plan: 'pro', version: '2' });
    } finally {
      await publisher.close();
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
