import { BillingEvents, EventEnvelope, MilestoneMoneyState } from '@fpms/contracts';
import { billingEvent } from './support';

/** A milestone as the billing helpers need it. */
export interface MilestoneRef {
  id: string;
  workspaceId: string;
  accountId: string;
  amount: number;
  currency: string;
}

type Step = {
  type: (typeof BillingEvents)[keyof typeof BillingEvents];
  money?: Partial<MilestoneMoneyState>;
  extra?: Record<string, unknown>;
};

export const AMOUNT = 10_000;
const FEE = 1_000;
const released = { status: 'released' as const, released: AMOUNT, platformFee: FEE };

/**
 * Realistic sequences of billing facts for one milestone of AMOUNT, each event with the
 * order's whole money state after it (as billing publishes them), versions counting up
 * from `firstVersion` (0 for some: version 0 is a version like any other).
 */
export const SCENARIOS: Record<string, { firstVersion: number; steps: Step[] }> = {
  fund_release: { firstVersion: 0, steps: [{ type: BillingEvents.milestoneFunded }, { type: BillingEvents.milestoneReleased }] },
  partial_refund_then_refund: {
    firstVersion: 1,
    steps: [
      { type: BillingEvents.milestoneFunded },
      { type: BillingEvents.milestoneRefunded, money: { status: 'held', refunded: 3_000 }, extra: { amount: 3_000 } },
      { type: BillingEvents.milestoneRefunded, money: { status: 'refunded', refunded: AMOUNT }, extra: { amount: 7_000 } },
    ],
  },
  chargeback_won: {
    firstVersion: 0,
    steps: [
      { type: BillingEvents.milestoneFunded },
      { type: BillingEvents.milestoneDisputed, money: { disputed: 4_000 }, extra: { amount: 4_000 } },
      { type: BillingEvents.milestoneDisputeClosed, money: { disputed: 0 }, extra: { amount: 4_000, outcome: 'won' } },
    ],
  },
  chargeback_lost: {
    firstVersion: 1,
    steps: [
      { type: BillingEvents.milestoneFunded },
      { type: BillingEvents.milestoneDisputed, money: { disputed: AMOUNT } },
      {
        type: BillingEvents.milestoneDisputeClosed,
        money: { status: 'refunded', refunded: AMOUNT, disputed: 0 },
        extra: { outcome: 'lost' },
      },
    ],
  },
  release_then_chargeback: {
    firstVersion: 0,
    steps: [
      { type: BillingEvents.milestoneFunded },
      { type: BillingEvents.milestoneReleased },
      { type: BillingEvents.milestoneDisputed, money: { ...released, disputed: AMOUNT } },
    ],
  },
  release_chargeback_won: {
    firstVersion: 1,
    steps: [
      { type: BillingEvents.milestoneFunded },
      { type: BillingEvents.milestoneReleased },
      { type: BillingEvents.milestoneDisputed, money: { ...released, disputed: AMOUNT } },
      { type: BillingEvents.milestoneDisputeClosed, money: { ...released, disputed: 0 }, extra: { outcome: 'won' } },
    ],
  },
  failed_then_funded: { firstVersion: 0, steps: [{ type: BillingEvents.milestonePaymentFailed }, { type: BillingEvents.milestoneFunded }] },
};

/** The scenario's events for one milestone, in billing's order. */
export function scenarioEvents(name: string, m: MilestoneRef): EventEnvelope[] {
  const { firstVersion, steps } = SCENARIOS[name];
  return steps.map((s, i) => billingEvent(s.type, m, firstVersion + i, { ...(s.extra ?? {}), ...(s.money ? { money: s.money } : {}) }));
}

/** Every ordering of `xs`. */
export function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [xs.slice()];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
