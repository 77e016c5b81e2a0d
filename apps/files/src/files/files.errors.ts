import { AppError } from '@fpms/common/errors/app-error';
import { FilesErrorCode } from '@fpms/contracts/errors/files.errors';

export class FilesError extends AppError<FilesErrorCode> {
  /** Missing, in another workspace, or (for most operations) deleted: all look the same. */
  static fileNotFound(fileId: string) {
    return new FilesError(404, FilesErrorCode.FileNotFound, 'File not found', { fileId });
  }
  static versionNotFound(versionId?: string) {
    return new FilesError(404, FilesErrorCode.VersionNotFound, 'File version not found', versionId ? { versionId } : undefined);
  }
  static contentTypeNotAllowed(contentType: string, allowed: string[]) {
    return new FilesError(400, FilesErrorCode.ContentTypeNotAllowed, `Files of type ${contentType} are not accepted`, {
      contentType,
      allowed,
    });
  }
  static fileTooLarge(size: number, maxSizeBytes: number) {
    return new FilesError(400, FilesErrorCode.FileTooLarge, `The file is larger than the ${maxSizeBytes} bytes allowed`, {
      size,
      maxSizeBytes,
    });
  }
  static uploadNotFound() {
    return new FilesError(409, FilesErrorCode.UploadNotFound, 'Nothing was uploaded for this version yet');
  }
  static sizeMismatch(expected: number, actual: number) {
    return new FilesError(409, FilesErrorCode.UploadSizeMismatch, `Uploaded ${actual} bytes where ${expected} were announced`, {
      expected,
      actual,
    });
  }
  static contentTypeMismatch(expected: string, actual: string | undefined) {
    return new FilesError(
      409,
      FilesErrorCode.UploadContentTypeMismatch,
      `Uploaded as ${actual ?? 'no type'} where ${expected} was announced`,
      {
        expected,
        actual: actual ?? null,
      },
    );
  }
  static uploadIncomplete(reason: string) {
    return new FilesError(409, FilesErrorCode.UploadIncomplete, `The multipart upload could not be completed: ${reason}`);
  }
  static checksumMismatch(expected: string, actual: string) {
    return new FilesError(
      422,
      FilesErrorCode.UploadChecksumMismatch,
      'The uploaded bytes do not match the declared SHA-256; upload them again',
      {
        expected,
        actual,
      },
    );
  }
  static versionNeeded(reason: 'milestone' | 'submission', milestoneIds: string[]) {
    const message =
      reason === 'milestone'
        ? 'A milestone needs this version as its deliverable; it stays pinned'
        : 'A milestone submission with this version is not settled yet; retry shortly';
    return new FilesError(409, FilesErrorCode.VersionNeeded, message, { reason, milestoneIds });
  }
  static uploadExpired() {
    return new FilesError(410, FilesErrorCode.UploadExpired, 'This upload expired; start a new one');
  }
  static versionNotReady() {
    return new FilesError(409, FilesErrorCode.VersionNotReady, 'This version has not been uploaded yet');
  }
  static versionPinned() {
    return new FilesError(409, FilesErrorCode.VersionPinned, 'This version is pinned as a deliverable and cannot be deleted');
  }
  static filePinned() {
    return new FilesError(409, FilesErrorCode.FilePinned, 'This file has a version pinned as a deliverable and cannot be deleted');
  }
  static lastVersion() {
    return new FilesError(409, FilesErrorCode.LastVersion, 'This is the file’s only version; delete the file instead');
  }
  static restoreWindowExpired() {
    return new FilesError(410, FilesErrorCode.RestoreWindowExpired, 'The restore window for this file has passed');
  }
}
