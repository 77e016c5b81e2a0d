import S3rver from 's3rver';

/** s3rver accepts this one key pair (and does not verify V4 signatures, see startLocalS3). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** Browsers upload and download with presigned URLs straight from a web app's origin. */
const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

export interface LocalS3 {
  endpoint: string;
  port: number;
  close(): Promise<void>;
}

/**
 * s3rver, the local S3 stand-in (DESIGN §6), with the given buckets created at start.
 * It speaks S3's wire protocol to the real @aws-sdk/client-s3, enforces presigned-URL
 * expiry and stores objects on disk under `directory`. It does NOT verify V4 signatures
 * (nor, therefore, the signed Content-Length/Content-Type of a presigned PUT): that is
 * why `complete` checks the stored object's size itself, and why those guarantees are
 * only fully exercised against real S3.
 */
export async function startLocalS3(options: {
  port: number;
  host?: string;
  directory: string;
  buckets: string[];
  silent?: boolean;
}): Promise<LocalS3> {
  const server = new S3rver({
    port: options.port,
    address: options.host ?? '127.0.0.1',
    directory: options.directory,
    silent: options.silent ?? true,
    configureBuckets: options.buckets.map((name) => ({ name, configs: [CORS] })),
  });
  const address = await server.run();
  const host = options.host ?? '127.0.0.1';
  return {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
    close: () => server.close(),
  };
}
