import { z } from 'zod';

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
  /** A document billing issued (an invoice's PDF) is stored in the workspace, pinned for good. */
  documentStored: 'files.document.stored',
} as const;

export const fileVersionReadyDataSchema = z.object({
  fileId: z.uuid(),
  versionId: z.uuid(),
  workspaceId: z.uuid(),
  number: z.number().int().positive(),
  name: z.string().min(1),
  size: z.number().int().nonnegative(),
  contentType: z.string().min(1),
  uploadedBy: z.uuid(),
});
export type FileVersionReadyData = z.infer<typeof fileVersionReadyDataSchema>;

export const fileDeletedDataSchema = z.object({
  fileId: z.uuid(),
  workspaceId: z.uuid(),
  deletedBy: z.uuid(),
  restorableUntil: z.iso.datetime({ offset: true }),
});
export type FileDeletedData = z.infer<typeof fileDeletedDataSchema>;

export const fileRestoredDataSchema = z.object({
  fileId: z.uuid(),
  workspaceId: z.uuid(),
  restoredBy: z.uuid(),
});
export type FileRestoredData = z.infer<typeof fileRestoredDataSchema>;

export const filePurgedDataSchema = z.object({
  fileId: z.uuid(),
  workspaceId: z.uuid(),
  versionIds: z.array(z.uuid()),
});
export type FilePurgedData = z.infer<typeof filePurgedDataSchema>;

export const documentStoredDataSchema = z.object({
  documentId: z.uuid(),
  workspaceId: z.uuid(),
  fileId: z.uuid(),
  versionId: z.uuid(),
});
export type DocumentStoredData = z.infer<typeof documentStoredDataSchema>;

/** The data schema of each files event type: one definition for producer and consumers. */
export const filesEventDataSchemas = {
  [FilesEvents.versionReady]: fileVersionReadyDataSchema,
  [FilesEvents.fileDeleted]: fileDeletedDataSchema,
  [FilesEvents.fileRestored]: fileRestoredDataSchema,
  [FilesEvents.filePurged]: filePurgedDataSchema,
  [FilesEvents.documentStored]: documentStoredDataSchema,
} as const;
