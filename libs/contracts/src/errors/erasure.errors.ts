/** Error codes of personal-data erasure (issue 18 part 5, gateway). */
export enum ErasureErrorCode {
  /** Money is in flight for the user: `details.blockers` names what (escrow_held, release_pending, dispute_open). */
  ErasureBlocked = 'erasure_blocked',
  /** Two-factor sign-in is on: a current code or a recovery code must come with the password. */
  TwoFactorCodeRequired = 'two_factor_code_required',
}
