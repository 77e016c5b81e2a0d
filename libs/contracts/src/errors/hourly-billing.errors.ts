/** Error codes of billing's side of hourly contracts (saving the payment method that pays their weeks). */
export enum HourlyBillingErrorCode {
  /** Billing has not seen this workspace's hourly contract (none, or its activation is still on its way). */
  ContractNotFound = 'hourly_contract_not_billable',
  /** Only an active contract's payment method is saved (a proposed one is not agreed yet, an ended one bills no more). */
  ContractNotActive = 'hourly_contract_not_active',
}
