import { randomUUID } from 'node:crypto';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import { DataSource } from 'typeorm';
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
  tapEvents,
  TestS3,
} from '@fpms/harness';
import { FilesJanitor } from '../../apps/files/src/cleanup/files-janitor';
import { Clock } from '@fpms/common/scheduling/clock';
import { LOCAL_S3_CREDENTIALS } from '../../tools/s3-local/server';
import { putBytes, startUpload, uploadFile } from './files-fixtures';

/**
 * The files service through the gateway, with gateway, workspace and files running
 * in-process against real PostgreSQL, RabbitMQ and an s3rver of this file's own.
 */
describe('files: uploads, downloads, versions, deletion', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let db: DataSource;
  let clock: Clock;
  let owner: SignedUpUser;
  let collaborator: SignedUpUser;
  let viewer: SignedUpUser;
  let outsider: SignedUpUser;
  let workspaceId: string;
  let outsiderWorkspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const filesPath = (ws = workspaceId) => `/api/v1/workspaces/${ws}/files`;

  const objectExists = async (key: string) => {
    const store = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS });
    try {
      await store.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      return true;
    } catch {
      return false;
    } finally {
      store.destroy();
    }
  };

  const realNow = () => new Date();
  /** Moves the files service's clock (only that service's) forward. */
  const advance = (ms: number) => {
    clock.now = () => new Date(Date.now() + ms);
  };

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        files: s3.filesEnv({
          S3_PRESIGN_GET_TTL_SECONDS: '2',
          FILES_ALLOWED_CONTENT_TYPES: 'text/plain,application/pdf,image/*',
          FILES_MAX_SIZE_BYTES: String(50 * 1024 * 1024),
          FILES_RESTORE_WINDOW_HOURS: '24',
          FILES_UPLOAD_EXPIRY_MINUTES: '30',
          FILES_CLEANUP_INTERVAL_SECONDS: '0',
        }),
      },
    });
    db = await connectServiceDb('files', 'system', platform.dbPrefix);
    clock = platform.apps.files!.get(Clock);
    owner = await signUp(platform.gatewayUrl, 'Owner');
    outsider = await signUp(platform.gatewayUrl, 'Outsider');
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner, 'Files engagement')).id;
    outsiderWorkspaceId = (await createWorkspace(platform.gatewayUrl, outsider, 'Other engagement')).id;
    collaborator = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'collaborator');
    // Client-side roles are the client's to grant: the owner brings in the client admin, who invites the viewer.
    const clientAdmin = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
    viewer = await inviteAndJoin(platform.gatewayUrl, clientAdmin, workspaceId, 'client_viewer');
  });

  afterEach(() => {
    if (clock) clock.now = realNow;
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
    await s3?.close();
  });

  it('uploads with a presigned PUT, completes after checking the object, and publishes files.version.ready', async () => {
    const tap = await tapEvents(['files.#'], { amqpUrl: platform.amqpUrl });
    try {
      const bytes = Buffer.from('The signed contract, version one.');
      const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
        name: 'contract.pdf',
        size: bytes.length,
        contentType: 'application/pdf',
      });
      expect(started.version).toMatchObject({ status: 'pending', size: bytes.length, number: 1 });
      expect(started.upload).toMatchObject({
        method: 'PUT',
        headers: { 'Content-Type': 'application/pdf', 'Content-Length': String(bytes.length) },
      });
      const url = new URL((started.upload as { url: string }).url);
      // The key is ours, tenant-prefixed (a staging key: completion copies it); the name is nowhere in it. Size and type are signed.
      expect(url.pathname).toBe(
        `/${s3.bucket}/accounts/${owner.accountId}/workspaces/${workspaceId}/staging/${started.file.id}/${started.version.id}`,
      );
      expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host');
      expect(Number(url.searchParams.get('X-Amz-Expires'))).toBeLessThanOrEqual(900);

      expect(await putBytes(started.upload, bytes)).toBe(200);
      const done = await api()
        .post(`${filesPath()}/${started.file.id}/versions/${started.version.id}/complete`)
        .set(bearer(owner.token))
        .send({});
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        id: started.file.id,
        name: 'contract.pdf',
        latestVersion: { id: started.version.id, status: 'ready' },
      });

      // Completing again is harmless, and publishes nothing more.
      const again = await api()
        .post(`${filesPath()}/${started.file.id}/versions/${started.version.id}/complete`)
        .set(bearer(owner.token))
        .send({});
      expect(again.status).toBe(200);

      const events = await tap.waitFor((e) => e.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(events.map((e) => [e.routingKey, e.body.aggregateId, e.body.tenant])).toEqual([
        ['files.version.ready', started.file.id, { accountId: owner.accountId, workspaceId }],
      ]);
      expect(events[0].body.data).toEqual({
        fileId: started.file.id,
        versionId: started.version.id,
        workspaceId,
        number: 1,
        name: 'contract.pdf',
        size: bytes.length,
        contentType: 'application/pdf',
        uploadedBy: owner.userId,
      });
      const [usage] = await db.query(`select used_bytes, reserved_bytes from storage_usage where account_id = $1`, [owner.accountId]);
      expect({ used: Number(usage.used_bytes), reserved: Number(usage.reserved_bytes) }).toEqual({ used: bytes.length, reserved: 0 });
    } finally {
      await tap.close();
    }
  });

  it('answers 409 to complete when nothing was uploaded', async () => {
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, { name: 'ghost.txt', size: 10, contentType: 'text/plain' });
    const res = await api()
      .post(`${filesPath()}/${started.file.id}/versions/${started.version.id}/complete`)
      .set(bearer(owner.token))
      .send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('upload_not_found');
    const file = await api().get(`${filesPath()}/${started.file.id}`).set(bearer(owner.token));
    expect(file.body.versions.map((v: { status: string }) => v.status)).toEqual(['pending']);
  });

  it('rejects an upload of the wrong size, removes the object, and accepts a correct retry', async () => {
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, { name: 'notes.txt', size: 20, contentType: 'text/plain' });
    // s3rver does not enforce the signed Content-Length (real S3 does): complete must catch it.
    expect(await putBytes(started.upload, Buffer.from('only ten b'))).toBe(200);
    const completePath = `${filesPath()}/${started.file.id}/versions/${started.version.id}/complete`;
    const wrong = await api().post(completePath).set(bearer(owner.token)).send({});
    expect(wrong.status).toBe(409);
    expect(wrong.body.error).toMatchObject({ code: 'upload_size_mismatch', details: { expected: 20, actual: 10 } });
    const gone = await api().post(completePath).set(bearer(owner.token)).send({});
    expect(gone.body.error.code).toBe('upload_not_found');

    expect(await putBytes(started.upload, Buffer.from('exactly twenty bytes'))).toBe(200);
    const ok = await api().post(completePath).set(bearer(owner.token)).send({});
    expect(ok.status).toBe(200);
    expect(ok.body.latestVersion.size).toBe(20);
  });

  it('gives members a download URL that works, names the file safely, and expires', async () => {
    const { fileId, versionId } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'Résumé "final".txt', 'download me');
    const res = await api().get(`${filesPath()}/${fileId}/download`).set(bearer(viewer.token));
    expect(res.status).toBe(200);
    expect(res.body.version).toMatchObject({ id: versionId, status: 'ready' });
    const first = await fetch(res.body.url);
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('download me');
    expect(first.headers.get('content-disposition')).toBe(
      `attachment; filename="Resume _final_.txt"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%22final%22.txt`,
    );
    expect(first.headers.get('content-type')).toBe('text/plain');

    // The URL was signed for 2 seconds; past that the store refuses it.
    await new Promise((r) => setTimeout(r, 3100));
    const late = await fetch(res.body.url);
    expect(late.status).toBe(403);
    expect(await late.text()).toContain('Request has expired');
  });

  it('answers 404 to members of another workspace, for metadata and download alike', async () => {
    const { fileId } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'private.txt', 'tenant A only');
    for (const path of [`${filesPath()}/${fileId}`, `${filesPath()}/${fileId}/download`]) {
      const foreign = await api().get(path).set(bearer(outsider.token));
      expect({ path, status: foreign.status, code: foreign.body.error?.code }).toEqual({ path, status: 404, code: 'workspace_not_found' });
    }
    // Through their own workspace, the id names nothing either.
    for (const path of [`${filesPath(outsiderWorkspaceId)}/${fileId}`, `${filesPath(outsiderWorkspaceId)}/${fileId}/download`]) {
      const probe = await api().get(path).set(bearer(outsider.token));
      expect({ path, status: probe.status, code: probe.body.error?.code }).toEqual({ path, status: 404, code: 'file_not_found' });
    }
    const list = await api().get(filesPath(outsiderWorkspaceId)).set(bearer(outsider.token));
    expect(list.body.items).toEqual([]);
  });

  it('applies the permission matrix: viewers read but do not upload, delete or pin', async () => {
    const { fileId, versionId } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'matrix.txt', 'm');
    expect((await api().get(`${filesPath()}/${fileId}`).set(bearer(viewer.token))).status).toBe(200);
    const upload = await api().post(filesPath()).set(bearer(viewer.token)).send({ name: 'x.txt', size: 1, contentType: 'text/plain' });
    expect([upload.status, upload.body.error.code]).toEqual([403, 'forbidden']);
    expect((await api().delete(`${filesPath()}/${fileId}`).set(bearer(viewer.token))).status).toBe(403);
    expect((await api().post(`${filesPath()}/${fileId}/versions/${versionId}/pin`).set(bearer(viewer.token)).send({})).status).toBe(403);
    expect((await api().post(`${filesPath()}/${fileId}/versions/${versionId}/pin`).set(bearer(collaborator.token)).send({})).status).toBe(
      200,
    );
  });

  it('rejects disallowed content types, oversized files and malformed input with 4xx JSON errors', async () => {
    const send = (body: object) => api().post(filesPath()).set(bearer(owner.token)).send(body);
    const badType = await send({ name: 'setup.exe', size: 100, contentType: 'application/x-msdownload' });
    expect([badType.status, badType.body.error.code]).toEqual([400, 'content_type_not_allowed']);
    expect(badType.body.error.details.allowed).toEqual(['text/plain', 'application/pdf', 'image/*']);
    const tooBig = await send({ name: 'huge.pdf', size: 50 * 1024 * 1024 + 1, contentType: 'application/pdf' });
    expect([tooBig.status, tooBig.body.error.code, tooBig.body.error.details.maxSizeBytes]).toEqual([
      400,
      'file_too_large',
      50 * 1024 * 1024,
    ]);
    for (const body of [
      {},
      { name: '', size: 1, contentType: 'text/plain' },
      { name: 'a', size: 0, contentType: 'text/plain' },
      { name: 'a', size: 1.5, contentType: 'text/plain' },
      { name: 'a', size: 1, contentType: 'nonsense' },
      { name: 'a\u0000b', size: 1, contentType: 'text/plain' },
      { name: 'a', size: 1, contentType: 'text/plain', key: 'accounts/x' },
    ]) {
      const res = await send(body);
      expect({ body, status: res.status, hasError: typeof res.body.error?.code === 'string' }).toEqual({
        body,
        status: 400,
        hasError: true,
      });
    }
    const malformedJson = await api().post(filesPath()).set(bearer(owner.token)).set('Content-Type', 'application/json').send('{"name":');
    expect(malformedJson.status).toBe(400);
    const { fileId } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'ids.txt', 'i');
    for (const path of [
      `${filesPath()}/not-a-uuid`,
      `${filesPath()}/${fileId}/versions/123/complete`,
      `/api/v1/workspaces/nope/files`,
      `${filesPath()}/${randomUUID()}`,
    ]) {
      const res = path.endsWith('complete')
        ? await api().post(path).set(bearer(owner.token)).send({})
        : await api().get(path).set(bearer(owner.token));
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    const badVersion = await api().get(`${filesPath()}/${fileId}/download?versionId=zzz`).set(bearer(owner.token));
    expect(badVersion.status).toBe(400);
  });

  it('keeps versions: a new version becomes the latest, older ones stay downloadable', async () => {
    const { fileId, versionId: v1 } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'design.txt', 'draft');
    const next = await api()
      .post(`${filesPath()}/${fileId}/versions`)
      .set(bearer(collaborator.token))
      .send({ size: 5, contentType: 'text/plain' });
    expect(next.status).toBe(201);
    expect(next.body.version).toMatchObject({ number: 2, name: 'design.txt', status: 'pending' });
    expect(await putBytes(next.body.upload, Buffer.from('final'))).toBe(200);
    const done = await api()
      .post(`${filesPath()}/${fileId}/versions/${next.body.version.id}/complete`)
      .set(bearer(collaborator.token))
      .send({});
    expect(done.status).toBe(200);
    expect(done.body.latestVersion.id).toBe(next.body.version.id);
    expect(done.body.versions.map((v: { number: number; status: string }) => [v.number, v.status])).toEqual([
      [2, 'ready'],
      [1, 'ready'],
    ]);
    const latest = await api().get(`${filesPath()}/${fileId}/download`).set(bearer(owner.token));
    expect(await (await fetch(latest.body.url)).text()).toBe('final');
    const old = await api().get(`${filesPath()}/${fileId}/download?versionId=${v1}`).set(bearer(owner.token));
    expect(await (await fetch(old.body.url)).text()).toBe('draft');

    // Deleting the old version removes its bytes; the last one cannot go.
    expect((await api().delete(`${filesPath()}/${fileId}/versions/${v1}`).set(bearer(owner.token))).status).toBe(204);
    expect((await fetch(old.body.url)).status).toBe(404);
    const last = await api().delete(`${filesPath()}/${fileId}/versions/${next.body.version.id}`).set(bearer(owner.token));
    expect([last.status, last.body.error.code]).toEqual([409, 'last_file_version']);
  });

  it('never deletes a pinned deliverable', async () => {
    const { fileId, versionId } = await uploadFile(
      platform.gatewayUrl,
      owner,
      workspaceId,
      'deliverable.pdf',
      'the work',
      'application/pdf',
    );
    const extra = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'other.txt', 'x');
    const pinned = await api()
      .post(`${filesPath()}/${fileId}/versions/${versionId}/pin`)
      .set(bearer(owner.token))
      .send({ pinnedFor: 'milestone-1' });
    expect(pinned.status).toBe(200);
    expect(pinned.body).toMatchObject({ id: versionId, pinnedBy: owner.userId, pinnedFor: 'milestone-1' });
    const again = await api()
      .post(`${filesPath()}/${fileId}/versions/${versionId}/pin`)
      .set(bearer(owner.token))
      .send({ pinnedFor: 'other' });
    expect(again.body.pinnedFor).toBe('milestone-1');

    const del = await api().delete(`${filesPath()}/${fileId}`).set(bearer(owner.token));
    expect([del.status, del.body.error.code]).toEqual([409, 'file_has_pinned_version']);
    const delVersion = await api().delete(`${filesPath()}/${fileId}/versions/${versionId}`).set(bearer(owner.token));
    expect([delVersion.status, delVersion.body.error.code]).toEqual([409, 'file_version_pinned']);
    expect((await api().get(`${filesPath()}/${fileId}/download`).set(bearer(viewer.token))).status).toBe(200);
    // A pending version cannot be pinned.
    const pending = await startUpload(platform.gatewayUrl, owner, workspaceId, { name: 'p.txt', size: 1, contentType: 'text/plain' });
    const pinPending = await api()
      .post(`${filesPath()}/${pending.file.id}/versions/${pending.version.id}/pin`)
      .set(bearer(owner.token))
      .send({});
    expect([pinPending.status, pinPending.body.error.code]).toEqual([409, 'file_version_not_ready']);
    expect((await api().delete(`${filesPath()}/${extra.fileId}`).set(bearer(owner.token))).status).toBe(200);
  });

  it('restores a soft-deleted file within the window, and not after; the purge removes the object', async () => {
    const tap = await tapEvents(['files.file.*'], { amqpUrl: platform.amqpUrl });
    try {
      const { fileId } = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'trash-me.txt', 'bytes to purge');
      const [{ storage_key: key }] = await db.query(`select storage_key from file_versions where file_id = $1`, [fileId]);
      expect(await objectExists(key)).toBe(true);

      const deleted = await api().delete(`${filesPath()}/${fileId}`).set(bearer(collaborator.token));
      expect(deleted.status).toBe(200);
      expect(deleted.body.deletedAt).not.toBeNull();
      const until = new Date(deleted.body.restorableUntil).getTime();
      expect(until - new Date(deleted.body.deletedAt).getTime()).toBe(24 * 3_600_000);
      expect((await api().get(`${filesPath()}/${fileId}/download`).set(bearer(owner.token))).status).toBe(404);
      const live = await api().get(filesPath()).set(bearer(owner.token));
      expect(live.body.items.map((f: { id: string }) => f.id)).not.toContain(fileId);
      const trash = await api().get(`${filesPath()}?deleted=true`).set(bearer(owner.token));
      expect(trash.body.items.map((f: { id: string }) => f.id)).toContain(fileId);

      advance(23 * 3_600_000);
      const restored = await api().post(`${filesPath()}/${fileId}/restore`).set(bearer(owner.token)).send();
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: fileId, deletedAt: null, restorableUntil: null });
      clock.now = realNow;

      expect((await api().delete(`${filesPath()}/${fileId}`).set(bearer(owner.token))).status).toBe(200);
      advance(24 * 3_600_000 + 1000);
      const late = await api().post(`${filesPath()}/${fileId}/restore`).set(bearer(owner.token)).send();
      expect([late.status, late.body.error.code]).toEqual([410, 'restore_window_expired']);

      const janitor = platform.apps.files!.get(FilesJanitor);
      const round = await janitor.runOnce();
      expect(round.purgedFiles).toBeGreaterThanOrEqual(1);
      expect((await api().post(`${filesPath()}/${fileId}/restore`).set(bearer(owner.token)).send()).status).toBe(404);
      // Asked of the store itself (a download URL would have expired by now: their TTL is 2 s here).
      expect(await objectExists(key)).toBe(false);
      expect(await db.query(`select id from file_versions where file_id = $1`, [fileId])).toEqual([]);

      const mine = await tap.waitFor((e) => e.filter((x) => x.body.aggregateId === fileId).length >= 4);
      expect(mine.filter((x) => x.body.aggregateId === fileId).map((e) => e.routingKey)).toEqual([
        'files.file.deleted',
        'files.file.restored',
        'files.file.deleted',
        'files.file.purged',
      ]);
    } finally {
      await tap.close();
    }
  });

  it('cleans up abandoned pending uploads and gives their reservation back', async () => {
    const usage = async () => {
      const [row] = await db.query(`select reserved_bytes from storage_usage where account_id = $1`, [owner.accountId]);
      return Number(row.reserved_bytes);
    };
    const janitor = platform.apps.files!.get(FilesJanitor);
    advance(31 * 60_000);
    await janitor.runOnce(); // earlier tests' leftovers
    clock.now = realNow;
    const before = await usage();
    const abandoned = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'abandoned.txt',
      size: 4321,
      contentType: 'text/plain',
    });
    expect(await usage()).toBe(before + 4321);
    expect((await janitor.runOnce()).expiredUploads).toBe(0);

    advance(31 * 60_000);
    const late = await api()
      .post(`${filesPath()}/${abandoned.file.id}/versions/${abandoned.version.id}/complete`)
      .set(bearer(owner.token))
      .send({});
    expect([late.status, late.body.error.code]).toEqual([410, 'upload_expired']);
    expect((await janitor.runOnce()).expiredUploads).toBe(1);
    expect(await usage()).toBe(before);
    expect((await api().get(`${filesPath()}/${abandoned.file.id}`).set(bearer(owner.token))).status).toBe(404);
  });
});
