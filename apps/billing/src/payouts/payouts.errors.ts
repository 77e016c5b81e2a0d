import { AppError } from '@fpms/common/errors/app-error';
import { PayoutErrorCode } from '@fpms/contracts/errors/billing-payouts.errors';

export class PayoutError extends AppError<PayoutErrorCode> {
  static ownerRequired() {
    return new PayoutError(
      403,
      PayoutErrorCode.AccountOwnerRequired,
      "Payouts belong to a freelancer account: only the account's owner sees them",
    );
  }
}
