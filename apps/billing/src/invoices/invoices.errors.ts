import { AppError } from '@fpms/common/errors/app-error';
import { InvoiceErrorCode } from '@fpms/contracts/errors';

export class InvoiceError extends AppError<InvoiceErrorCode> {
  static missing() {
    return new InvoiceError(404, InvoiceErrorCode.NotFound, 'Invoice not found');
  }
  static pdfNotReady() {
    return new InvoiceError(409, InvoiceErrorCode.PdfNotReady, 'The PDF is still being prepared; try again in a moment');
  }
  static ownerRequired() {
    return new InvoiceError(
      403,
      InvoiceErrorCode.OwnerRequired,
      'Invoicing details belong to a freelancer account: only its owner sets them',
    );
  }
}
