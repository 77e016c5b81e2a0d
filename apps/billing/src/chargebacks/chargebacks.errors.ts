import { AppError } from '@fpms/common/errors/app-error';
import { ChargebackErrorCode } from '@fpms/contracts/errors';

export class ChargebackError extends AppError<ChargebackErrorCode> {}
