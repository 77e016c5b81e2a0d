/** Error codes of freelancer accounts (workspace). */
export enum AccountErrorCode {
  AccountNotFound = 'account_not_found',
  AccountMismatch = 'account_mismatch',
}
