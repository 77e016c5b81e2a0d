import { AppError } from '@fpms/common/errors/app-error';
import { HourlyBillingErrorCode } from '@fpms/contracts/errors';

export class HourlyBillingError extends AppError<HourlyBillingErrorCode> {}
