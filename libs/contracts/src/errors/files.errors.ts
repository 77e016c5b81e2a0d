/** Error codes of files, versions, uploads, pins and quotas (files). */
export enum FilesErrorCode {
  FileNotFound = 'file_not_found',
  VersionNotFound = 'file_version_not_found',
  ContentTypeNotAllowed = 'content_type_not_allowed',
  FileTooLarge = 'file_too_large',
  UploadNotFound = 'upload_not_found',
  UploadSizeMismatch = 'upload_size_mismatch',
  UploadContentTypeMismatch = 'upload_content_type_mismatch',
  UploadIncomplete = 'upload_incomplete',
  UploadChecksumMismatch = 'upload_checksum_mismatch',
  VersionNeeded = 'file_version_needed',
  UploadExpired = 'upload_expired',
  VersionNotReady = 'file_version_not_ready',
  VersionPinned = 'file_version_pinned',
  FilePinned = 'file_has_pinned_version',
  LastVersion = 'last_file_version',
  RestoreWindowExpired = 'restore_window_expired',
}
