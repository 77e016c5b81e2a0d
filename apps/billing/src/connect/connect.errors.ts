import { AppError } from '@fpms/common/errors/app-error';
import { ConnectErrorCode } from '@fpms/contracts/errors/billing-connect.errors';

export class ConnectError extends AppError<ConnectErrorCode> {
  static ownerRequired() {
    return new ConnectError(
      403,
      ConnectErrorCode.AccountOwnerRequired,
      "Payouts belong to a freelancer account: only the account's owner can see or set them up",
    );
  }
  static deauthorized() {
    return new ConnectError(
      409,
      ConnectErrorCode.AccountDeauthorized,
      "This account's Stripe connection was revoked; it cannot be onboarded again. Contact support to connect a new one",
    );
  }
  static stripeUnavailable() {
    return new ConnectError(503, ConnectErrorCode.StripeUnavailable, 'Stripe is not answering right now; try again in a moment');
  }
}
