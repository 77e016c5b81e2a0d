import Stripe from 'stripe';
import { BILLING_INTERVALS, PLAN_CURRENCY, PLAN_PRICES } from '@fpms/contracts/plans';

/** The environment variable that carries the Stripe Price of a plan and interval. */
export const planPriceEnvName = (plan: string, interval: string) => `STRIPE_PRICE_${plan.toUpperCase()}_${interval.toUpperCase()}`;

/**
 * Creates the paid plans in a Stripe account — one Product per plan, one recurring Price per
 * interval, at libs/contracts' PLAN_PRICES — and answers billing's environment naming them
 * (`STRIPE_PRICE_<PLAN>_<INTERVAL>`). For the emulator, which forgets everything on restart:
 * `npm start` and the test harness run it at boot. Real Stripe's Prices are created once in
 * the Dashboard and configured by id; each Price carries the lookup key `fpms_<plan>_<interval>`.
 */
export async function createPlanPrices(stripe: Stripe): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  for (const [plan, amounts] of Object.entries(PLAN_PRICES)) {
    const product = await stripe.products.create({ name: `FPMS ${plan[0].toUpperCase()}${plan.slice(1)}`, metadata: { fpms_plan: plan } });
    for (const interval of BILLING_INTERVALS) {
      const price = await stripe.prices.create({
        product: product.id,
        currency: PLAN_CURRENCY.toLowerCase(),
        unit_amount: amounts[interval],
        recurring: { interval },
        nickname: `${plan} (${interval})`,
        lookup_key: `fpms_${plan}_${interval}`,
        metadata: { fpms_plan: plan, fpms_interval: interval },
      });
      env[planPriceEnvName(plan, interval)] = price.id;
    }
  }
  return env;
}
