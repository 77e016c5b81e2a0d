import { AppError } from '@fpms/common/errors/app-error';
import { EarningsErrorCode } from '@fpms/contracts/errors/billing-earnings.errors';

export class EarningsError extends AppError<EarningsErrorCode> {
  static ownerRequired() {
    return new EarningsError(
      403,
      EarningsErrorCode.AccountOwnerRequired,
      "Earnings belong to a freelancer account: only the account's owner can read them",
    );
  }
}
