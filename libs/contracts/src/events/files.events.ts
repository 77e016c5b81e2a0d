/**
 * Events the files service publishes through its outbox. Envelope: `tenant = { accountId,
 * workspaceId }`, `aggregateId` = the file id, `aggregateVersion` = the file's version
 * counter (increases with every change that publishes).
 */
export const FilesEvents = {
  /** A version was uploaded and verified: it can be attached, downloaded, submitted. */
  versionReady: 'files.version.ready',
  /** A file was deleted (soft): hide it; it can be restored until `restorableUntil`. */
  fileDeleted: 'files.file.deleted',
  /** A soft-deleted file was restored. */
  fileRestored: 'files.file.restored',
  /** A deleted file's restore window ended: its objects and rows are gone for good. */
  filePurged: 'files.file.purged',
} as const;

export interface FileVersionReadyData {
  fileId: string;
  versionId: string;
  workspaceId: string;
  number: number;
  name: string;
  size: number;
  contentType: string;
  uploadedBy: string;
}

export interface FileDeletedData {
  fileId: string;
  workspaceId: string;
  deletedBy: string;
  restorableUntil: string;
}

export interface FileRestoredData {
  fileId: string;
  workspaceId: string;
  restoredBy: string;
}

export interface FilePurgedData {
  fileId: string;
  workspaceId: string;
  versionIds: string[];
}
