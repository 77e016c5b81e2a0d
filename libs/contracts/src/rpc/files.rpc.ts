import { Addressed, NoFields } from '../requests/addressed';
import {
  CompleteUploadRequest,
  CreateUploadRequest,
  CreateVersionRequest,
  DownloadRequest,
  ListFilesRequest,
  PinVersionRequest,
  ReleaseSubmissionPinRequest,
} from '../requests/files.requests';
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

const FileRef = Addressed(NoFields, 'workspaceId', 'fileId');
const VersionRef = Addressed(NoFields, 'workspaceId', 'fileId', 'versionId');

export const FilesRpc = {
  /** Registers a file and its first version (pending) and answers where to PUT the bytes. */
  createUpload: rpcPattern<CreatedUploadView>()(queue, 'files.uploads.create', CreateUploadRequest),
  /** A new pending version of an existing file. */
  createVersion: rpcPattern<CreatedUploadView>()(queue, 'files.versions.create', CreateVersionRequest),
  /** Checks the object really is in storage with the announced size, then marks the version ready. */
  completeUpload: rpcPattern<FileDetailView>()(queue, 'files.uploads.complete', CompleteUploadRequest),
  listFiles: rpcPattern<{ items: FileView[] }>()(queue, 'files.files.list', ListFilesRequest),
  getFile: rpcPattern<FileDetailView>()(queue, 'files.files.get', FileRef),
  /** A short-lived GET URL for a ready version (the latest unless `versionId`). No plan checks: paid deliverables stay downloadable. */
  downloadUrl: rpcPattern<DownloadView>()(queue, 'files.files.download', DownloadRequest),
  /** Soft delete; 409 while a version is pinned. */
  deleteFile: rpcPattern<FileView>()(queue, 'files.files.delete', FileRef),
  restoreFile: rpcPattern<FileView>()(queue, 'files.files.restore', FileRef),
  /** Removes one version and its object for good; 409 if pinned or the file's last version. */
  deleteVersion: rpcPattern<{ deleted: true }>()(queue, 'files.versions.delete', VersionRef),
  /**
   * Pins a ready version. Pinned versions cannot be deleted. Idempotent. Without
   * `submission`, a manual pin (a member's, released by `unpinVersion`). With it, the
   * workspace service's provisional pin, taken inside a milestone submission's transaction
   * (with the caller's token): the milestone's next event resolves it (its committed state
   * then decides what stays pinned), and `releaseSubmissionPin` undoes it if that
   * transaction fails.
   */
  pinVersion: rpcPattern<FileVersionView>()(queue, 'files.versions.pin', PinVersionRequest),
  /** Undoes one submission's provisional pin (its transaction failed). Idempotent. */
  releaseSubmissionPin: rpcPattern<{ released: boolean }>()(queue, 'files.versions.release_submission_pin', ReleaseSubmissionPinRequest),
  /** Removes the manual pin; 409 while a milestone needs the version (or a submission with it is unresolved). */
  unpinVersion: rpcPattern<FileVersionView>()(queue, 'files.versions.unpin', VersionRef),
} as const;
