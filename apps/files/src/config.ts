import { z } from 'zod';
import { env } from '@fpms/common/config/load-config';
import { platformServiceEnvSchema } from '@fpms/platform/platform-env.schema';

const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const MiB = 1024 * 1024;

export const filesEnvSchema = platformServiceEnvSchema.extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Calls to the workspace service (authorization) give up after this long; below the gateway's timeout. */
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(3000),

  /** Unset: AWS S3. Set: any S3-compatible store (MinIO, s3rver locally and in tests). */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: env.string('us-east-1'),
  S3_BUCKET: env.string(),
  /** Unset: the SDK's default credential chain (instance role, web identity, ...). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (`endpoint/bucket/key`): needed by s3rver and most S3-compatible stores. */
  S3_FORCE_PATH_STYLE: bool(true),
  /** Lifetime of a presigned upload URL (PUT or part). */
  S3_PRESIGN_PUT_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(900),
  /** Lifetime of a presigned download URL. */
  S3_PRESIGN_GET_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),

  /** Hard cap on one version, whatever the plan allows. */
  FILES_MAX_SIZE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(5 * 1024 * 1024 * MiB)
    .default(5 * 1024 * MiB),
  /** Comma-separated MIME types; `type/*` allows a whole family. */
  FILES_ALLOWED_CONTENT_TYPES: z
    .string()
    .min(1)
    .default(
      'application/pdf,image/*,text/plain,text/csv,text/markdown,application/zip,application/json,video/mp4,audio/mpeg,' +
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document,' +
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,' +
        'application/vnd.openxmlformats-officedocument.presentationml.presentation,application/octet-stream',
    )
    .transform((v) =>
      v
        .split(',')
        .map((t) => t.trim().toLowerCase())
        .filter(Boolean),
    ),
  /** Versions at least this large upload in parts (S3 needs parts of 5 MiB or more, except the last). */
  FILES_MULTIPART_THRESHOLD_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .default(100 * MiB),
  FILES_MULTIPART_PART_SIZE_BYTES: z.coerce
    .number()
    .int()
    .min(5 * MiB)
    .max(5 * 1024 * MiB)
    .default(16 * MiB),
  /** A pending upload not completed within this long is abandoned: its reservation is released. */
  FILES_UPLOAD_EXPIRY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  /** How long a deleted file can be restored before it is purged. */
  FILES_RESTORE_WINDOW_HOURS: z.coerce
    .number()
    .int()
    .min(0)
    .max(24 * 365)
    .default(24 * 30),
  /**
   * A milestone submission's provisional pin whose milestone is still at the version the
   * submission started from after this long belongs to a submission that never committed
   * (the workspace's transaction is long over): an unpin may then release it.
   */
  FILES_SUBMISSION_PIN_GRACE_SECONDS: z.coerce.number().int().min(1).max(86400).default(600),
  /** How often each replica runs the cleanup (abandoned uploads, purges); 0 disables the timer. */
  FILES_CLEANUP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86400).default(60),
});
export type FilesEnv = z.infer<typeof filesEnvSchema>;

/** Injection token of the validated environment, for services that read limits from it. */
export const FILES_ENV = Symbol('FILES_ENV');
