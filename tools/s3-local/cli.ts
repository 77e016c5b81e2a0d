#!/usr/bin/env node
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { startLocalS3 } from './server';

/** `npm start` runs this: S3_LOCAL_PORT (3112), S3_LOCAL_DIR (.local/s3), S3_BUCKET (fpms-files). */
async function main(): Promise<void> {
  const port = Number(process.env.S3_LOCAL_PORT ?? 3112);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid S3_LOCAL_PORT: ${process.env.S3_LOCAL_PORT}`);
  const directory = resolve(process.env.S3_LOCAL_DIR ?? '.local/s3');
  const bucket = process.env.S3_BUCKET ?? 'fpms-files';
  mkdirSync(directory, { recursive: true });
  const s3 = await startLocalS3({ port, host: process.env.S3_LOCAL_HOST ?? '127.0.0.1', directory, buckets: [bucket] });
  process.stdout.write(`Local S3 (s3rver) listening on ${s3.endpoint}, bucket ${bucket}, data in ${directory}\n`);
  const shutdown = () => {
    void s3.close().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
