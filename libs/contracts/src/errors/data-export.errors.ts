/** Error codes of personal-data export (issue 18 part 4). */
export enum DataExportErrorCode {
  /** No export with this id is the caller's. */
  ExportNotFound = 'export_not_found',
  /** Still being gathered (or it failed): `details.status` says which. */
  ExportNotReady = 'export_not_ready',
  /** Its 7 days are over and the archive was deleted: ask for a new one. */
  ExportExpired = 'export_expired',
}
