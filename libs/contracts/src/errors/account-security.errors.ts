/** Error codes of account security (issue 18): verified emails, two-factor sign-in, sessions (gateway; the workspace raises email_not_verified too). */
export enum AccountSecurityErrorCode {
  /** A money action, or accepting an email-bound invitation, before the user verified their email. */
  EmailNotVerified = 'email_not_verified',
  /** An account owner's payout or refund before they enabled two-factor sign-in (OWNER_2FA_REQUIRED). */
  TwoFactorRequired = 'two_factor_required',
  /** A verification or password-reset link that is unknown, used, expired or superseded: one answer. */
  InvalidEmailToken = 'invalid_email_token',
  /** A TOTP or recovery code that is wrong, outside the ±1 step window, or already used. */
  InvalidTwoFactorCode = 'invalid_two_factor_code',
  /** The login's second step with an unknown, used or expired challenge. */
  InvalidLoginChallenge = 'invalid_login_challenge',
  TwoFactorAlreadyEnabled = 'two_factor_already_enabled',
  TwoFactorNotEnabled = 'two_factor_not_enabled',
  /** Enrolment confirmed before it was started. */
  TwoFactorNotEnrolling = 'two_factor_not_enrolling',
  /** A wrong current password on a password or email change. */
  InvalidPassword = 'invalid_password',
  SessionNotFound = 'session_not_found',
  /** The new email is the current one. */
  EmailUnchanged = 'email_unchanged',
}
