/** The Nest token of billing's validated environment (BillingEnv). */
export const BILLING_ENV = Symbol('BILLING_ENV');
