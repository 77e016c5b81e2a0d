/** Error codes of the earnings report (billing). */
export enum EarningsErrorCode {
  /** Only an account's owner (a token acting for a freelancer account) reads its earnings. */
  AccountOwnerRequired = 'earnings_account_owner_required',
}
