import { AppError } from '@fpms/common/errors/app-error';
import { DataExportErrorCode } from '@fpms/contracts/errors/data-export.errors';

/** Personal-data archives (issue 18 part 4). */
export class PersonalDataError extends AppError<DataExportErrorCode> {
  /** Missing, another user's, or expired and deleted: all look the same to the caller. */
  static archiveNotFound(exportId: string) {
    return new PersonalDataError(404, DataExportErrorCode.ExportNotFound, 'Export not found', { exportId });
  }
}
