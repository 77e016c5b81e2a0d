import { AppError } from '@fpms/common/errors/app-error';
import { AccountSecurityErrorCode } from '@fpms/contracts/errors/account-security.errors';

/** Account security (issue 18): the gateway's gates and flows, and the workspace's invitation check. */
export class AccountSecurityError extends AppError<AccountSecurityErrorCode> {
  static emailNotVerified() {
    return new AccountSecurityError(403, AccountSecurityErrorCode.EmailNotVerified, 'Verify your email address first');
  }
  static twoFactorRequired() {
    return new AccountSecurityError(
      403,
      AccountSecurityErrorCode.TwoFactorRequired,
      'Account owners must enable two-factor sign-in before payouts and refunds',
    );
  }
  static invalidEmailToken() {
    return new AccountSecurityError(400, AccountSecurityErrorCode.InvalidEmailToken, 'This link is invalid, used or expired');
  }
  static invalidTwoFactorCode() {
    return new AccountSecurityError(400, AccountSecurityErrorCode.InvalidTwoFactorCode, 'The code is incorrect or was already used');
  }
  static invalidLoginChallenge() {
    return new AccountSecurityError(
      401,
      AccountSecurityErrorCode.InvalidLoginChallenge,
      'Sign in again: this sign-in step is invalid or expired',
    );
  }
  static twoFactorAlreadyEnabled() {
    return new AccountSecurityError(409, AccountSecurityErrorCode.TwoFactorAlreadyEnabled, 'Two-factor sign-in is already enabled');
  }
  static twoFactorNotEnabled() {
    return new AccountSecurityError(409, AccountSecurityErrorCode.TwoFactorNotEnabled, 'Two-factor sign-in is not enabled');
  }
  static twoFactorNotEnrolling() {
    return new AccountSecurityError(409, AccountSecurityErrorCode.TwoFactorNotEnrolling, 'Start the enrolment first');
  }
  static invalidPassword() {
    return new AccountSecurityError(401, AccountSecurityErrorCode.InvalidPassword, 'The current password is incorrect');
  }
  static sessionNotFound() {
    return new AccountSecurityError(404, AccountSecurityErrorCode.SessionNotFound, 'Session not found');
  }
  static emailUnchanged() {
    return new AccountSecurityError(409, AccountSecurityErrorCode.EmailUnchanged, 'This is already your email address');
  }
}
