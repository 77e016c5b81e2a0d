/** Error codes of the payouts list (billing). */
export enum PayoutErrorCode {
  /** Only an account's owner (a token acting for a freelancer account) sees its payouts. */
  AccountOwnerRequired = 'payouts_account_owner_required',
}
