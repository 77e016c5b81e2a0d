import type Stripe from 'stripe';
import { connectStatusOf, requirementsInWords, sameSnapshot, snapshotOf } from './connect-status';

type Req = Partial<Stripe.Account.Requirements>;
const account = (fields: Omit<Partial<Stripe.Account>, 'requirements'> & { requirements?: Req }): Stripe.Account =>
  ({
    id: 'acct_1Test',
    object: 'account',
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    ...fields,
    requirements: { currently_due: [], past_due: [], pending_verification: [], disabled_reason: null, ...fields.requirements },
  }) as Stripe.Account;

describe('connected account status', () => {
  it('is enabled only when it can both charge and be paid out', () => {
    expect(connectStatusOf(account({ charges_enabled: true, payouts_enabled: true, details_submitted: true }))).toBe('enabled');
    expect(
      connectStatusOf(
        account({
          charges_enabled: true,
          payouts_enabled: false,
          details_submitted: true,
          requirements: { currently_due: ['external_account'] },
        }),
      ),
    ).toBe('restricted');
  });

  it('is pending while the forms are unfinished, and while Stripe verifies with nothing due', () => {
    expect(connectStatusOf(account({ requirements: { currently_due: ['business_type'], disabled_reason: 'requirements.past_due' } }))).toBe(
      'pending',
    );
    expect(
      connectStatusOf(
        account({
          details_submitted: true,
          requirements: {
            pending_verification: ['individual.verification.document'],
            disabled_reason: 'requirements.pending_verification',
          },
        }),
      ),
    ).toBe('pending');
  });

  it('is restricted when information is due after the forms, or Stripe rejected the account', () => {
    const overdue = { currently_due: ['individual.verification.document'], past_due: ['individual.verification.document'] };
    expect(
      connectStatusOf(account({ details_submitted: true, requirements: { ...overdue, disabled_reason: 'requirements.past_due' } })),
    ).toBe('restricted');
    expect(connectStatusOf(account({ requirements: { disabled_reason: 'rejected.fraud' } }))).toBe('restricted');
  });
});

describe('requirements in plain words', () => {
  it('says what is overdue, then what is due now, then why the account is disabled, once each', () => {
    expect(
      requirementsInWords({
        currently_due: [
          'individual.dob.day',
          'individual.dob.month',
          'individual.dob.year',
          'external_account',
          'individual.verification.document',
        ],
        past_due: ['individual.verification.document'],
        disabled_reason: 'requirements.past_due',
      } as Stripe.Account.Requirements),
    ).toEqual([
      'Overdue: an identity document',
      'Needed now: your date of birth',
      'Needed now: a bank account for payouts',
      'Payouts are paused until the overdue information is provided.',
    ]);
  });

  it('says what Stripe is still verifying', () => {
    expect(
      requirementsInWords({
        currently_due: [],
        past_due: [],
        pending_verification: ['individual.id_number'],
        disabled_reason: 'requirements.pending_verification',
      } as unknown as Stripe.Account.Requirements),
    ).toEqual(['Being verified by Stripe: your national ID number', 'Stripe is verifying the information you provided.']);
  });

  it('reads an unknown requirement path as words rather than dropping it', () => {
    expect(
      requirementsInWords({ currently_due: ['person_1AbC.relationship.title'], past_due: [] } as unknown as Stripe.Account.Requirements),
    ).toEqual(['Needed now: a person: relationship title']);
    expect(requirementsInWords(null)).toEqual([]);
  });

  it('compares snapshots by everything users see', () => {
    const a = snapshotOf(account({ requirements: { currently_due: ['external_account'] } }));
    expect(sameSnapshot(a, { ...a })).toBe(true);
    expect(sameSnapshot(a, { ...a, requirements: [] })).toBe(false);
    expect(sameSnapshot(a, { ...a, payoutsEnabled: true })).toBe(false);
  });
});
