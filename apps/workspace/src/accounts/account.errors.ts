import { AppError } from '@fpms/common/errors/app-error';
import { AccountErrorCode } from '@fpms/contracts/errors/accounts.errors';

export class AccountError extends AppError<AccountErrorCode> {
  static accountNotFound() {
    return new AccountError(404, AccountErrorCode.AccountNotFound, 'Account not found');
  }
  static mismatch() {
    return new AccountError(403, AccountErrorCode.AccountMismatch, 'The token does not act for this account');
  }
}
