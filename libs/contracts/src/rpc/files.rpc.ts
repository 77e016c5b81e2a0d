import { z } from 'zod';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('files');

export const FILE_VERSION_STATUSES = ['pending', 'ready'] as const;

export interface FileVersionView {
  id: string;
  fileId: string;
  /** 1, 2, 3… per file, in upload order. */
  number: number;
  name: string;
  /** Bytes. */
  size: number;
  contentType: string;
  status: (typeof FILE_VERSION_STATUSES)[number];
  pinnedAt: string | null;
  pinnedBy: string | null;
  /** What the pin is for, e.g. the milestone id the version was submitted with. */
  pinnedFor: string | null;
  /** Hex SHA-256 of the delivered bytes, recorded at completion (null while pending). */
  sha256: string | null;
  createdBy: string;
  createdAt: string;
  readyAt: string | null;
}

export interface FileView {
  id: string;
  workspaceId: string;
  name: string;
  createdBy: string;
  createdAt: string;
  deletedAt: string | null;
  /** Set while deleted: after this the file is purged and can no longer be restored. */
  restorableUntil: string | null;
  /** The newest ready version, if any. */
  latestVersion: FileVersionView | null;
}

export interface FileDetailView extends FileView {
  /** Every version, newest first, pending ones included. */
  versions: FileVersionView[];
}

/** How the client sends the bytes, straight to object storage. */
export type UploadInstructions =
  | {
      method: 'PUT';
      url: string;
      /** Send exactly these headers: the URL is signed for them. */
      headers: Record<string, string>;
      expiresAt: string;
    }
  | {
      method: 'multipart';
      partSize: number;
      /** PUT each part to its URL; keep each response's ETag for `complete`. */
      parts: Array<{ partNumber: number; url: string; size: number }>;
      expiresAt: string;
    };

export interface CreatedUploadView {
  file: FileView;
  version: FileVersionView;
  upload: UploadInstructions;
}

export interface DownloadView {
  url: string;
  expiresAt: string;
  version: FileVersionView;
}

/** File names are metadata only (never part of a storage key); control characters are refused. */
const fileName = z
  .string()
  .trim()
  .min(1)
  .max(255)
  // eslint-disable-next-line no-control-regex -- rejecting control characters is the point of this pattern
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters');
const contentType = z
  .string()
  .trim()
  .toLowerCase()
  .max(127)
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/, 'must be a MIME type such as application/pdf');
const size = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Hex SHA-256 the client declares for the bytes it will upload (signed into the PUT; checked at completion). */
const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the bytes')
  .transform((v) => v.toLowerCase());
const workspaceId = z.uuid();
const fileId = z.uuid();
const versionId = z.uuid();

export const FilesRpc = {
  /** Registers a file and its first version (pending) and answers where to PUT the bytes. */
  createUpload: rpcPattern<CreatedUploadView>()(
    queue,
    'files.uploads.create',
    z.object({ workspaceId, name: fileName, size, contentType, sha256: sha256.optional() }),
  ),
  /** A new pending version of an existing file. */
  createVersion: rpcPattern<CreatedUploadView>()(
    queue,
    'files.versions.create',
    z.object({ workspaceId, fileId, name: fileName.optional(), size, contentType, sha256: sha256.optional() }),
  ),
  /** Checks the object really is in storage with the announced size, then marks the version ready. */
  completeUpload: rpcPattern<FileDetailView>()(
    queue,
    'files.uploads.complete',
    z.object({
      workspaceId,
      fileId,
      versionId,
      /** Multipart uploads only: the ETag S3 answered for each part. */
      parts: z
        .array(z.object({ partNumber: z.number().int().min(1).max(10000), etag: z.string().min(1).max(200) }))
        .max(10000)
        .optional(),
    }),
  ),
  listFiles: rpcPattern<{ items: FileView[] }>()(
    queue,
    'files.files.list',
    z.object({ workspaceId, deleted: z.boolean().default(false), limit: z.number().int().min(1).max(500).default(100) }),
  ),
  getFile: rpcPattern<FileDetailView>()(queue, 'files.files.get', z.object({ workspaceId, fileId })),
  /** A short-lived GET URL for a ready version (the latest unless `versionId`). No plan checks: paid deliverables stay downloadable. */
  downloadUrl: rpcPattern<DownloadView>()(
    queue,
    'files.files.download',
    z.object({ workspaceId, fileId, versionId: versionId.optional() }),
  ),
  /** Soft delete; 409 while a version is pinned. */
  deleteFile: rpcPattern<FileView>()(queue, 'files.files.delete', z.object({ workspaceId, fileId })),
  restoreFile: rpcPattern<FileView>()(queue, 'files.files.restore', z.object({ workspaceId, fileId })),
  /** Removes one version and its object for good; 409 if pinned or the file's last version. */
  deleteVersion: rpcPattern<{ deleted: true }>()(queue, 'files.versions.delete', z.object({ workspaceId, fileId, versionId })),
  /**
   * Pins a ready version. Pinned versions cannot be deleted. Idempotent. Without
   * `submission`, a manual pin (a member's, released by `unpinVersion`). With it, the
   * workspace service's provisional pin, taken inside a milestone submission's transaction
   * (with the caller's token): the milestone's next event resolves it (its committed state
   * then decides what stays pinned), and `releaseSubmissionPin` undoes it if that
   * transaction fails.
   */
  pinVersion: rpcPattern<FileVersionView>()(
    queue,
    'files.versions.pin',
    // The file is implied by the version; milestones know only the deliverable's version id.
    z.object({
      workspaceId,
      fileId: fileId.optional(),
      versionId,
      pinnedFor: z.string().trim().min(1).max(200).optional(),
      submission: z.object({ milestoneId: z.uuid(), milestoneVersion: z.number().int().min(0) }).optional(),
    }),
  ),
  /** Undoes one submission's provisional pin (its transaction failed). Idempotent. */
  releaseSubmissionPin: rpcPattern<{ released: boolean }>()(
    queue,
    'files.versions.release_submission_pin',
    z.object({ workspaceId, versionId, milestoneId: z.uuid(), milestoneVersion: z.number().int().min(0) }),
  ),
  /** Removes the manual pin; 409 while a milestone needs the version (or a submission with it is unresolved). */
  unpinVersion: rpcPattern<FileVersionView>()(queue, 'files.versions.unpin', z.object({ workspaceId, fileId, versionId })),
} as const;
