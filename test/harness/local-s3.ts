import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCAL_S3_CREDENTIALS, startLocalS3 } from '../../tools/s3-local/server';

export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The files service's S3 settings for this store: `startPlatform({ env: { files: s3.filesEnv() } })`. */
  filesEnv(overrides?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** An s3rver of the test file's own, on a free port with a scratch directory, bucket created. */
export async function startTestS3(bucket = 'fpms-test-files'): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), 'fpms-s3-'));
  const s3 = await startLocalS3({ port: 0, directory, buckets: [bucket] });
  return {
    endpoint: s3.endpoint,
    bucket,
    filesEnv: (overrides = {}) => ({
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: 'true',
      ...overrides,
    }),
    async close() {
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
