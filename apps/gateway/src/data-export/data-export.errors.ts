import { AppError } from '@fpms/common/errors/app-error';
import { DataExportErrorCode } from '@fpms/contracts/errors/data-export.errors';

/** Personal-data export (issue 18 part 4). */
export class DataExportError extends AppError<DataExportErrorCode> {
  static exportNotFound(exportId: string) {
    return new DataExportError(404, DataExportErrorCode.ExportNotFound, 'Export not found', { exportId });
  }
  static notReady(exportId: string, status: string) {
    return new DataExportError(
      409,
      DataExportErrorCode.ExportNotReady,
      status === 'failed' ? 'This export failed: ask for a new one' : 'This export is still being prepared',
      { exportId, status },
    );
  }
  static expired(exportId: string, expiredAt: string) {
    return new DataExportError(410, DataExportErrorCode.ExportExpired, 'This export has expired and was deleted: ask for a new one', {
      exportId,
      expiredAt,
    });
  }
}
