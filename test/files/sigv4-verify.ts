import { createHash, createHmac } from 'node:crypto';
import { createScope, getCanonicalQuery, getSigningKey } from '@smithy/signature-v4';
import type { HttpRequest, SourceData } from '@smithy/types';

const toBuffer = (data: SourceData) => (typeof data === 'string' ? Buffer.from(data) : Buffer.from(data as ArrayBuffer));

/** node:crypto behind the SDK's hash interface (HMAC when given a secret). */
class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret ? createHmac('sha256', toBuffer(secret)) : createHash('sha256');
  }
  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {}
}

/**
 * What a storage that checks signatures (S3, MinIO) does with a presigned request: it
 * rebuilds the canonical request from the request *as received* — method, path, query
 * and the values of the headers named in X-Amz-SignedHeaders — and compares the SigV4
 * signature it computes with the secret key to the URL's. s3rver skips this step, so
 * tests call it on the request a client would send. Key derivation and the canonical
 * query come from the AWS SDK's own signer package.
 */
export async function presignedRequestVerifies(
  url: string,
  sent: { method: string; headers: Record<string, string> },
  credentials: { accessKeyId: string; secretAccessKey: string },
): Promise<boolean> {
  const u = new URL(url);
  const query: Record<string, string> = {};
  u.searchParams.forEach((value, name) => {
    if (name !== 'X-Amz-Signature') query[name] = value;
  });
  const provided = u.searchParams.get('X-Amz-Signature');
  const signedNames = (query['X-Amz-SignedHeaders'] ?? '').split(';');
  const [accessKeyId, shortDate, region, service] = (query['X-Amz-Credential'] ?? '').split('/');
  if (!provided || accessKeyId !== credentials.accessKeyId || !shortDate) return false;

  const received: Record<string, string> = { host: u.host };
  for (const [name, value] of Object.entries(sent.headers)) received[name.toLowerCase()] = value.trim();
  // A signed header the request does not carry fails like a wrong value would.
  if (signedNames.some((name) => received[name] === undefined)) return false;
  const canonicalHeaders = signedNames.map((name) => `${name}:${received[name]}\n`).join('');
  const request = { method: sent.method, protocol: u.protocol, hostname: u.hostname, path: u.pathname, query, headers: {} } as HttpRequest;
  const canonicalRequest = [
    sent.method,
    u.pathname,
    getCanonicalQuery(request),
    canonicalHeaders,
    signedNames.join(';'),
    'UNSIGNED-PAYLOAD',
  ].join('\n');
  const scope = createScope(shortDate, region, service);
  const stringToSign = ['AWS4-HMAC-SHA256', query['X-Amz-Date'], scope, createHash('sha256').update(canonicalRequest).digest('hex')].join(
    '\n',
  );
  const key = await getSigningKey(NodeSha256, credentials, shortDate, region, service);
  const expected = createHmac('sha256', Buffer.from(key)).update(stringToSign).digest('hex');
  return expected === provided;
}
