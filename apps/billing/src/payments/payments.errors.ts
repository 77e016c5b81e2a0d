import { AppError } from '@fpms/common/errors/app-error';
import { PaymentErrorCode } from '@fpms/contracts/errors';

export class PaymentError extends AppError<PaymentErrorCode> {}
