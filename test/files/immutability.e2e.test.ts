import { HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { FilesJanitor } from '../../apps/files/src/cleanup/files-janitor';
import { Clock } from '@fpms/common/scheduling/clock';
import { LOCAL_S3_CREDENTIALS } from '../../tools/s3-local/server';
import { putBytes, sha256Hex, startUpload, StartedUpload, uploadFile } from './files-fixtures';
import { presignedRequestVerifies } from './sigv4-verify';

/**
 * Delivered files are immutable: uploads land on a staging key, completion copies them
 * to the version's own key and checks the copy's SHA-256; the upload URL can never change
 * what downloads return. Real gateway, workspace and files services, real s3rver.
 */
describe('files: a delivered version cannot change', () => {
  let s3: TestS3;
  let store: S3Client;
  let platform: RunningPlatform;
  let db: DataSource;
  let clock: Clock;
  let owner: SignedUpUser;
  let workspaceId: string;
  const api = () => request(platform.gatewayUrl);
  const filesPath = () => `/api/v1/workspaces/${workspaceId}/files`;
  const realNow = () => new Date();
  const advance = (ms: number) => {
    clock.now = () => new Date(Date.now() + ms);
  };

  const download = async (fileId: string, versionId?: string) => {
    const res = await api()
      .get(`${filesPath()}/${fileId}/download${versionId ? `?versionId=${versionId}` : ''}`)
      .set(bearer(owner.token));
    expect(res.status).toBe(200);
    return { text: await (await fetch(res.body.url)).text(), url: res.body.url as string, version: res.body.version };
  };
  const complete = (started: StartedUpload) =>
    api().post(`${filesPath()}/${started.file.id}/versions/${started.version.id}/complete`).set(bearer(owner.token)).send({});
  /** A PUT through the presigned URL with exactly the headers the service told the client to send. */
  const putThrough = async (upload: StartedUpload['upload'], bytes: Buffer) => {
    if (upload.method !== 'PUT') throw new Error('single PUT expected');
    const headers = Object.fromEntries(Object.entries(upload.headers).filter(([n]) => n.toLowerCase() !== 'content-length'));
    const res = await fetch(upload.url, { method: 'PUT', body: bytes, headers });
    await res.arrayBuffer();
    return res.status;
  };
  const exists = async (key: string) => {
    try {
      await store.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
      return true;
    } catch {
      return false;
    }
  };
  const keysUnder = async (prefix: string) => {
    const out = await store.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  };
  const uploadKeyOf = (started: StartedUpload) => {
    if (started.upload.method !== 'PUT') throw new Error('single PUT expected');
    return decodeURIComponent(new URL(started.upload.url).pathname.slice(`/${s3.bucket}/`.length));
  };

  beforeAll(async () => {
    s3 = await startTestS3();
    store = new S3Client({ region: 'us-east-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: LOCAL_S3_CREDENTIALS });
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        files: s3.filesEnv({
          FILES_ALLOWED_CONTENT_TYPES: 'text/plain,application/pdf',
          FILES_UPLOAD_EXPIRY_MINUTES: '30',
          FILES_CLEANUP_INTERVAL_SECONDS: '0',
        }),
      },
    });
    db = await connectServiceDb('files', 'system', platform.dbPrefix);
    clock = platform.apps.files!.get(Clock);
    owner = await signUp(platform.gatewayUrl, 'Immutable Owner');
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner, 'Immutable engagement')).id;
  });

  afterEach(() => {
    if (clock) clock.now = realNow;
  });

  afterAll(async () => {
    store?.destroy();
    await db?.destroy();
    await platform?.close();
    await s3?.close();
  });

  it('a second PUT through the old upload URL after completion does not change what downloads return', async () => {
    const delivered = Buffer.from('Final logo, approved colours.');
    const forged = Buffer.from('Forged logo, other colours!!!');
    expect(forged.length).toBe(delivered.length);
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'logo.pdf',
      size: delivered.length,
      contentType: 'application/pdf',
      sha256: sha256Hex(delivered),
    });
    expect(await putThrough(started.upload, delivered)).toBe(200);
    const done = await complete(started);
    expect(done.status).toBe(200);
    expect(done.body.latestVersion).toMatchObject({ id: started.version.id, status: 'ready', sha256: sha256Hex(delivered) });

    const before = await download(started.file.id);
    expect(before.text).toBe(delivered.toString());
    // Downloads read the version's own key, which no upload URL names.
    expect(new URL(before.url).pathname).not.toBe(`/${s3.bucket}/${uploadKeyOf(started)}`);

    // The upload URL is still within its lifetime: s3rver accepts the PUT (it lands on the staging key)...
    expect(await putThrough(started.upload, forged)).toBe(200);
    // ...and completing again changes nothing either.
    expect((await complete(started)).status).toBe(200);
    expect((await download(started.file.id)).text).toBe(delivered.toString());
    expect((await download(started.file.id, started.version.id)).text).toBe(delivered.toString());
    const [row] = await db.query(`select sha256 from file_versions where id = $1`, [started.version.id]);
    expect(row.sha256).toBe(sha256Hex(delivered));
  });

  it('refuses bytes that do not match the declared SHA-256 (422): the staged object is removed and the version stays pending', async () => {
    const right = Buffer.from('the real deliverable');
    const wrong = Buffer.from('a swapped deliverable');
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'swap.txt',
      size: wrong.length,
      contentType: 'text/plain',
      sha256: sha256Hex(right),
    });
    // s3rver does not check the signed checksum header (S3 would refuse this PUT): completion must.
    expect(await putThrough(started.upload, wrong)).toBe(200);
    const res = await complete(started);
    expect([res.status, res.body.error?.code]).toEqual([422, 'upload_checksum_mismatch']);
    expect(res.body.error.details).toEqual({ expected: sha256Hex(right), actual: sha256Hex(wrong) });
    expect(await exists(uploadKeyOf(started))).toBe(false);
    const file = await api().get(`${filesPath()}/${started.file.id}`).set(bearer(owner.token));
    expect(file.body.versions.map((v: { status: string }) => v.status)).toEqual(['pending']);
    // No copy was left behind under the version's own prefix.
    expect(await keysUnder(`accounts/${owner.accountId}/workspaces/${workspaceId}/files/${started.file.id}/`)).toEqual([]);
  });

  it('refuses the announced size and type in storage: wrong length, type or checksum fails the URL signature', async () => {
    const bytes = Buffer.from('signed bytes');
    const sha = sha256Hex(bytes);
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'signed.txt',
      size: bytes.length,
      contentType: 'text/plain',
      sha256: sha,
    });
    if (started.upload.method !== 'PUT') throw new Error('single PUT expected');
    const putUrl = started.upload.url;
    const url = new URL(putUrl);
    expect(url.searchParams.get('X-Amz-SignedHeaders')!.split(';').sort()).toEqual([
      'content-length',
      'content-type',
      'host',
      'x-amz-checksum-sha256',
    ]);
    // The checksum is a header the client must send, not a query parameter S3 would not check against the body.
    expect([...url.searchParams.keys()].map((k) => k.toLowerCase())).not.toContain('x-amz-checksum-sha256');
    const checksum = Buffer.from(sha, 'hex').toString('base64');
    expect(started.upload.headers).toEqual({
      'Content-Type': 'text/plain',
      'Content-Length': String(bytes.length),
      'x-amz-checksum-sha256': checksum,
    });

    const honest = { 'content-type': 'text/plain', 'content-length': String(bytes.length), 'x-amz-checksum-sha256': checksum };
    const verifies = (headers: Record<string, string>, method = 'PUT') =>
      presignedRequestVerifies(putUrl, { method, headers }, LOCAL_S3_CREDENTIALS);
    expect(await verifies(honest)).toBe(true);
    expect(await verifies({ ...honest, 'content-length': String(bytes.length + 1) })).toBe(false);
    expect(await verifies({ ...honest, 'content-type': 'application/pdf' })).toBe(false);
    expect(await verifies({ ...honest, 'x-amz-checksum-sha256': Buffer.from(sha256Hex('other'), 'hex').toString('base64') })).toBe(false);
    const { 'x-amz-checksum-sha256': _omitted, ...withoutChecksum } = honest;
    expect(await verifies(withoutChecksum)).toBe(false);
    expect(await verifies(honest, 'POST')).toBe(false);
  });

  it('serialises concurrent completions: one copy becomes the version, no stray copy remains', async () => {
    const bytes = Buffer.from('completed twice at once');
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'race.txt',
      size: bytes.length,
      contentType: 'text/plain',
      sha256: sha256Hex(bytes),
    });
    expect(await putThrough(started.upload, bytes)).toBe(200);
    const answers = await Promise.all([complete(started), complete(started), complete(started)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const [row] = await db.query(`select storage_key from file_versions where id = $1`, [started.version.id]);
    expect(await keysUnder(`accounts/${owner.accountId}/workspaces/${workspaceId}/files/${started.file.id}/`)).toEqual([row.storage_key]);
    expect((await download(started.file.id)).text).toBe(bytes.toString());
  });

  it('deleting a pending version invalidates its upload: completion refused, staged object removed, a late PUT swept by the janitor', async () => {
    const first = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'draft.txt', 'version one');
    const bytes = Buffer.from('version two, never delivered');
    const res = await api()
      .post(`${filesPath()}/${first.fileId}/versions`)
      .set(bearer(owner.token))
      .send({ size: bytes.length, contentType: 'text/plain', sha256: sha256Hex(bytes) });
    expect(res.status).toBe(201);
    const pending = res.body as StartedUpload;
    expect(await putBytes(pending.upload, bytes)).toBe(200);
    const stagingKey = uploadKeyOf(pending);
    expect(await exists(stagingKey)).toBe(true);

    expect((await api().delete(`${filesPath()}/${first.fileId}/versions/${pending.version.id}`).set(bearer(owner.token))).status).toBe(204);
    expect(await exists(stagingKey)).toBe(false);
    const late = await complete(pending);
    expect([late.status, late.body.error?.code]).toEqual([404, 'file_version_not_found']);

    // The URL is still valid: a PUT lands on the staging key again; nothing refers to it, and
    // once every URL for it has expired the janitor removes it.
    expect(await putBytes(pending.upload, bytes)).toBe(200);
    const janitor = platform.apps.files!.get(FilesJanitor);
    await janitor.runOnce();
    expect(await exists(stagingKey)).toBe(true);
    advance(31 * 60_000);
    expect((await janitor.runOnce()).sweptStaging).toBeGreaterThanOrEqual(1);
    expect(await exists(stagingKey)).toBe(false);
    expect((await download(first.fileId)).text).toBe('version one');
  });

  it('sweeps the staging object of a completed version once its URL has expired, and the delivered bytes stay', async () => {
    const bytes = Buffer.from('delivered and kept');
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'kept.txt',
      size: bytes.length,
      contentType: 'text/plain',
      sha256: sha256Hex(bytes),
    });
    expect(await putThrough(started.upload, bytes)).toBe(200);
    expect((await complete(started)).status).toBe(200);
    const stagingKey = uploadKeyOf(started);
    expect(await exists(stagingKey)).toBe(false); // completion removed it
    expect(await putThrough(started.upload, Buffer.from('leaked-URL junk bytes'.slice(0, bytes.length)))).toBe(200);
    expect(await exists(stagingKey)).toBe(true);
    advance(31 * 60_000);
    await platform.apps.files!.get(FilesJanitor).runOnce();
    expect(await exists(stagingKey)).toBe(false);
    const [row] = await db.query(`select count(*)::int as n from upload_staging where version_id = $1`, [started.version.id]);
    expect(row.n).toBe(0);
    clock.now = realNow;
    expect((await download(started.file.id)).text).toBe(bytes.toString());
  });

  it('an object written straight to the staging key with other bytes is refused at completion when a checksum was declared', async () => {
    // The same attack without the URL at all (a store credential leak, or a store that ignores signatures).
    const right = Buffer.from('contract v3');
    const started = await startUpload(platform.gatewayUrl, owner, workspaceId, {
      name: 'c.txt',
      size: right.length,
      contentType: 'text/plain',
      sha256: sha256Hex(right),
    });
    await store.send(
      new PutObjectCommand({ Bucket: s3.bucket, Key: uploadKeyOf(started), Body: Buffer.from('contract v4'), ContentType: 'text/plain' }),
    );
    const res = await complete(started);
    expect([res.status, res.body.error?.code]).toEqual([422, 'upload_checksum_mismatch']);
    expect(await putThrough(started.upload, right)).toBe(200);
    expect((await complete(started)).status).toBe(200);
    expect((await download(started.file.id)).text).toBe('contract v3');
  });
});
