import type Stripe from 'stripe';
import { addInterval, periodEndAfter, prorate } from '../src/resources/subscriptions';
import { startHarness, type Harness } from './helpers';

const utc = (y: number, m: number, d: number, h = 0, min = 0, s = 0) => Date.UTC(y, m - 1, d, h, min, s) / 1000;
const DAY = 24 * 3600;

describe('stripe emulator: billing periods and proration', () => {
  describe('calendar arithmetic', () => {
    it('anchored months: Jan 31 renews on Feb 28, then Mar 31 and Apr 30 (not Mar 28)', () => {
      const anchor = utc(2026, 1, 31, 9);
      const monthly = { interval: 'month', interval_count: 1 } as Stripe.Price.Recurring;
      const feb = periodEndAfter(anchor, monthly, anchor);
      const mar = periodEndAfter(anchor, monthly, feb);
      const apr = periodEndAfter(anchor, monthly, mar);
      expect([feb, mar, apr]).toEqual([utc(2026, 2, 28, 9), utc(2026, 3, 31, 9), utc(2026, 4, 30, 9)]);
      // What chaining addInterval would do instead (the anchor's day is lost after February).
      expect(addInterval(feb, 'month', 1)).toBe(utc(2026, 3, 28, 9));
    });

    it('a leap year gives February its 29th; a yearly anchor on Feb 29 renews on Feb 28', () => {
      const monthly = { interval: 'month', interval_count: 1 } as Stripe.Price.Recurring;
      expect(periodEndAfter(utc(2028, 1, 31), monthly, utc(2028, 1, 31))).toBe(utc(2028, 2, 29));
      const yearly = { interval: 'year', interval_count: 1 } as Stripe.Price.Recurring;
      expect(periodEndAfter(utc(2028, 2, 29), yearly, utc(2028, 2, 29))).toBe(utc(2029, 2, 28));
    });

    it('prorates to the second and rounds to a minor unit', () => {
      const period = { start: utc(2026, 1, 1), end: utc(2026, 2, 1) };
      expect(prorate(2_900, period, period.start)).toBe(2_900);
      expect(prorate(2_900, period, period.end)).toBe(0);
      // 16 of 31 days left: 2900 × 16/31 = 1496.77…
      expect(prorate(2_900, period, utc(2026, 1, 16))).toBe(1_497);
      // One second later is a different share: 9900 × (16 days − 1 s) / 31 days = 5109.67…
      expect(prorate(9_900, period, utc(2026, 1, 16, 0, 0, 1))).toBe(5_110);
      expect(prorate(9_900, period, utc(2026, 1, 16, 12))).toBe(4_950);
    });
  });

  describe('against the API', () => {
    let h: Harness;
    let pro: Stripe.Price;
    let enterprise: Stripe.Price;

    beforeAll(async () => {
      h = await startHarness({ clock: { frozen: true, start: utc(2026, 1, 31, 9) } });
      const product = await h.stripe.products.create({ name: 'FPMS' });
      pro = await h.stripe.prices.create({ product: product.id, currency: 'usd', unit_amount: 2_900, recurring: { interval: 'month' } });
      enterprise = await h.stripe.prices.create({
        product: product.id,
        currency: 'usd',
        unit_amount: 9_900,
        recurring: { interval: 'month' },
      });
    });
    afterAll(() => h.emulator.stop());

    const customer = (email: string) =>
      h.stripe.customers.create({ email, payment_method: 'pm_card_visa', invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const invoicesOf = async (sub: string) => (await h.stripe.invoices.list({ subscription: sub, limit: 100 })).data;

    it('renewal invoices cover the period that just ended, across months of different lengths', async () => {
      await h.emulator.control.setClock(utc(2026, 1, 31, 9));
      const c = await customer('periods@example.com');
      const sub = await h.stripe.subscriptions.create({ customer: c.id, items: [{ price: pro.id }] });
      expect(sub.items.data[0].current_period_end).toBe(utc(2026, 2, 28, 9));
      for (let n = 0; n < 3; n++) await h.emulator.control.advanceToRenewal(sub.id);
      const renewed = await h.stripe.subscriptions.retrieve(sub.id);
      expect(renewed.items.data[0]).toMatchObject({ current_period_start: utc(2026, 4, 30, 9), current_period_end: utc(2026, 5, 31, 9) });
      const cycles = (await invoicesOf(sub.id))
        .filter((i) => i.billing_reason === 'subscription_cycle')
        .sort((a, b) => a.created - b.created)
        .map((i) => ({ start: i.period_start, end: i.period_end, line: i.lines.data[0].period }));
      expect(cycles).toEqual([
        { start: utc(2026, 1, 31, 9), end: utc(2026, 2, 28, 9), line: { start: utc(2026, 2, 28, 9), end: utc(2026, 3, 31, 9) } },
        { start: utc(2026, 2, 28, 9), end: utc(2026, 3, 31, 9), line: { start: utc(2026, 3, 31, 9), end: utc(2026, 4, 30, 9) } },
        { start: utc(2026, 3, 31, 9), end: utc(2026, 4, 30, 9), line: { start: utc(2026, 4, 30, 9), end: utc(2026, 5, 31, 9) } },
      ]);
    });

    it('an upgrade with always_invoice bills the credit and the charge for the time left, to the second, at once', async () => {
      await h.emulator.control.setClock(utc(2026, 6, 1));
      const c = await customer('upgrade@example.com');
      const sub = await h.stripe.subscriptions.create({ customer: c.id, items: [{ price: pro.id }] });
      // June has 30 days: 14 days, 12 hours and 30 seconds in, 15 d 11 h 59 m 30 s are left.
      const at = utc(2026, 6, 15, 12, 0, 30);
      await h.emulator.control.setClock(at);
      const updated = await h.stripe.subscriptions.update(sub.id, {
        items: [{ id: sub.items.data[0].id, price: enterprise.id }],
        proration_behavior: 'always_invoice',
      });
      expect(updated.items.data[0].price.id).toBe(enterprise.id);
      expect(updated.items.data[0].current_period_end).toBe(utc(2026, 7, 1));
      const invoice = await h.stripe.invoices.retrieve(updated.latest_invoice as string);
      const left = utc(2026, 7, 1) - at;
      const credit = -Math.round((2_900 * left) / (30 * DAY));
      const charge = Math.round((9_900 * left) / (30 * DAY));
      expect([credit, charge]).toEqual([-1_498, 5_115]);
      expect(invoice).toMatchObject({ billing_reason: 'subscription_update', status: 'paid', total: credit + charge });
      expect(invoice.lines.data.map((l) => [l.amount, l.parent?.subscription_item_details?.proration, l.period])).toEqual([
        [credit, true, { start: at, end: utc(2026, 7, 1) }],
        [charge, true, { start: at, end: utc(2026, 7, 1) }],
      ]);
      expect(invoice.lines.data[0].description).toMatch(/^Unused time on/);
      expect(invoice.lines.data[1].description).toMatch(/^Remaining time on/);
    });

    it('create_prorations leaves the prorations for the next renewal invoice; none changes only the price', async () => {
      await h.emulator.control.setClock(utc(2026, 9, 1));
      const c = await customer('later@example.com');
      const sub = await h.stripe.subscriptions.create({ customer: c.id, items: [{ price: pro.id }] });
      await h.emulator.control.setClock(utc(2026, 9, 16));
      await h.stripe.subscriptions.update(sub.id, { items: [{ id: sub.items.data[0].id, price: enterprise.id }] });
      expect((await invoicesOf(sub.id)).map((i) => i.billing_reason)).toEqual(['subscription_create']);
      await h.emulator.control.advanceToRenewal(sub.id);
      const renewal = (await invoicesOf(sub.id)).find((i) => i.billing_reason === 'subscription_cycle')!;
      // 15 of September's 30 days left: half of each price.
      expect(renewal.lines.data.map((l) => l.amount)).toEqual([-1_450, 4_950, 9_900]);
      expect(renewal).toMatchObject({ total: 13_400, status: 'paid', period_start: utc(2026, 9, 1), period_end: utc(2026, 10, 1) });

      const quiet = await h.stripe.subscriptions.create({ customer: c.id, items: [{ price: enterprise.id }] });
      await h.stripe.subscriptions.update(quiet.id, { items: [{ id: quiet.items.data[0].id, price: pro.id }], proration_behavior: 'none' });
      await h.emulator.control.advanceToRenewal(quiet.id);
      const next = (await invoicesOf(quiet.id)).find((i) => i.billing_reason === 'subscription_cycle')!;
      expect(next.lines.data.map((l) => l.amount)).toEqual([2_900]);
    });

    it('a schedule downgrades at the period end: the renewal bills the new price, then the schedule is released', async () => {
      await h.emulator.control.setClock(utc(2027, 1, 10));
      const c = await customer('downgrade@example.com');
      const sub = await h.stripe.subscriptions.create({ customer: c.id, items: [{ price: enterprise.id }] });
      const schedule = await h.stripe.subscriptionSchedules.create({ from_subscription: sub.id });
      const end = sub.items.data[0].current_period_end;
      await h.stripe.subscriptionSchedules.update(schedule.id, {
        end_behavior: 'release',
        phases: [
          { items: [{ price: enterprise.id }], start_date: sub.items.data[0].current_period_start, end_date: end },
          { items: [{ price: pro.id }], duration: { interval: 'month', interval_count: 1 } },
        ],
      });
      await expect(h.stripe.subscriptions.update(sub.id, { cancel_at_period_end: true })).rejects.toThrow(/schedule/);
      await h.emulator.control.advanceClock(DAY);
      expect((await h.stripe.subscriptions.retrieve(sub.id)).items.data[0].price.id).toBe(enterprise.id);
      await h.emulator.control.advanceToRenewal(sub.id);
      const after = await h.stripe.subscriptions.retrieve(sub.id);
      expect(after.items.data[0].price.id).toBe(pro.id);
      const renewal = await h.stripe.invoices.retrieve(after.latest_invoice as string);
      expect(renewal.lines.data.map((l) => l.amount)).toEqual([2_900]);
      await h.emulator.control.advanceToRenewal(sub.id);
      const released = await h.stripe.subscriptionSchedules.retrieve(schedule.id);
      expect(released).toMatchObject({ status: 'released', released_subscription: sub.id });
      expect((await h.stripe.subscriptions.retrieve(sub.id)).schedule).toBeNull();
    });
  });
});
