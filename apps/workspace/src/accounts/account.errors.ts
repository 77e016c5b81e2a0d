import { AppError } from '@fpms/common/errors/app-error';

export enum AccountErrorCode {
  AccountNotFound = 'account_not_found',
  AccountMismatch = 'account_mismatch',
}

export class AccountError extends AppError {
  static accountNotFound() {
    return new AccountError(404, AccountErrorCode.AccountNotFound, 'Account not found');
  }
  static mismatch() {
    return new AccountError(403, AccountErrorCode.AccountMismatch, 'The token does not act for this account');
  }
}
