import { stripeRouteTemplate } from './stripe.metrics';

describe('stripeRouteTemplate', () => {
  it('replaces object ids and keeps resource names, those with an underscore too', () => {
    expect(stripeRouteTemplate('/v1/customers/cus_NffrFeUfNV2Hib/balance')).toBe('/v1/customers/:id/balance');
    expect(stripeRouteTemplate('/v1/accounts/acct_1032D82eZvKYlo2C?expand[]=x')).toBe('/v1/accounts/:id');
    expect(stripeRouteTemplate('/v1/account_links')).toBe('/v1/account_links');
    expect(stripeRouteTemplate('/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/capture')).toBe('/v1/payment_intents/:id/capture');
    expect(stripeRouteTemplate('/v1/balance_transactions')).toBe('/v1/balance_transactions');
  });
});
