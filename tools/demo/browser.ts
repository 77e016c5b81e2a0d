import { createHash } from 'node:crypto';
import { FpmsApi, type CreatedUploadView } from './api';

/**
 * What the user's browser does outside the API: following Stripe's hosted links (onboarding,
 * Checkout — the emulator's pages under `npm start`) and PUTting a file's bytes to the
 * presigned S3 URL the files service handed out.
 */

/** Follows a link once, as a click does, and answers where it redirects to. */
export async function follow(url: string): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

/**
 * Opens a Checkout page and presses its "success" button (the emulator's hosted page is a form
 * of outcome buttons); answers the page's heading and where Stripe sends the payer back.
 */
export async function payOnCheckoutPage(checkoutUrl: string): Promise<{ heading: string; redirectedTo: string }> {
  const page = await follow(checkoutUrl);
  if (page.status !== 200) throw new Error(`the Checkout page ${checkoutUrl} answered ${page.status}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
  if (!action || !page.body.includes('value="success"')) throw new Error(`the Checkout page has no pay button: ${page.body.slice(0, 200)}`);
  const heading = /<h1>([^<]*)<\/h1>/.exec(page.body)?.[1] ?? '';
  const res = await fetch(new URL(action, checkoutUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'outcome=success',
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const location = res.headers.get('location') ?? '';
  if (res.status !== 303 || location.includes('/_emulator/checkout/'))
    throw new Error(`paying on the Checkout page did not go through (${res.status}, back to ${location || 'nowhere'})`);
  return { heading, redirectedTo: location };
}

export interface UploadedFile {
  fileId: string;
  versionId: string;
  name: string;
  size: number;
}

/** The files flow: announce the file (size, type, SHA-256), PUT its bytes to the presigned URL, complete. */
export async function uploadFile(
  api: FpmsApi,
  token: string,
  workspaceId: string,
  file: { name: string; contentType: string; bytes: Buffer },
): Promise<UploadedFile> {
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const created: CreatedUploadView = await api.createUpload(token, workspaceId, {
    name: file.name,
    size: file.bytes.length,
    contentType: file.contentType,
    sha256,
  });
  const upload = created.upload;
  if (upload.method !== 'PUT') throw new Error(`expected a single presigned PUT for ${file.bytes.length} bytes, got ${upload.method}`);
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file.bytes, signal: AbortSignal.timeout(15_000) });
  if (!put.ok) throw new Error(`the presigned PUT to S3 answered ${put.status}: ${(await put.text()).slice(0, 300)}`);
  await api.completeUpload(token, workspaceId, created.file.id, created.version.id);
  return { fileId: created.file.id, versionId: created.version.id, name: file.name, size: file.bytes.length };
}
