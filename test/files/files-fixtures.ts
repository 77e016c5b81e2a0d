import { createHash } from 'node:crypto';
import request from 'supertest';
import { bearer, SignedUpUser } from '@fpms/harness';

export interface StartedUpload {
  file: { id: string; name: string };
  version: { id: string; status: string; size: number; number: number };
  upload:
    | { method: 'PUT'; url: string; headers: Record<string, string>; expiresAt: string }
    | { method: 'multipart'; partSize: number; parts: Array<{ partNumber: number; url: string; size: number }> };
}

/** Announces an upload through the gateway; fails the test unless it is accepted. */
export async function startUpload(
  gatewayUrl: string,
  user: SignedUpUser,
  workspaceId: string,
  body: { name: string; size: number; contentType: string; sha256?: string },
): Promise<StartedUpload> {
  const res = await request(gatewayUrl).post(`/api/v1/workspaces/${workspaceId}/files`).set(bearer(user.token)).send(body);
  if (res.status !== 201) throw new Error(`create upload failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const sha256Hex = (bytes: string | Buffer) => createHash('sha256').update(bytes).digest('hex');

/** PUTs bytes to a presigned URL the way a browser would, with the headers it was told to send (fetch sets the length). */
export async function putBytes(upload: StartedUpload['upload'], bytes: Buffer): Promise<number> {
  if (upload.method !== 'PUT') throw new Error('not a single-PUT upload');
  const headers = Object.fromEntries(Object.entries(upload.headers).filter(([name]) => name.toLowerCase() !== 'content-length'));
  const res = await fetch(upload.url, { method: 'PUT', body: bytes, headers });
  await res.arrayBuffer();
  return res.status;
}

/** Uploads and completes a whole file; returns the file id and version id. */
export async function uploadFile(
  gatewayUrl: string,
  user: SignedUpUser,
  workspaceId: string,
  name: string,
  content: string | Buffer,
  contentType = 'text/plain',
): Promise<{ fileId: string; versionId: string }> {
  const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
  const started = await startUpload(gatewayUrl, user, workspaceId, { name, size: bytes.length, contentType, sha256: sha256Hex(bytes) });
  const put = await putBytes(started.upload, bytes);
  if (put !== 200) throw new Error(`PUT failed: ${put}`);
  const done = await request(gatewayUrl)
    .post(`/api/v1/workspaces/${workspaceId}/files/${started.file.id}/versions/${started.version.id}/complete`)
    .set(bearer(user.token))
    .send({});
  if (done.status !== 200) throw new Error(`complete failed: ${done.status} ${JSON.stringify(done.body)}`);
  return { fileId: started.file.id, versionId: started.version.id };
}
