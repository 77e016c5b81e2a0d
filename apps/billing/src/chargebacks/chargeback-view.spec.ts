import { Chargeback, chargebackView } from './chargeback';

const now = new Date('2026-03-10T12:00:00Z');
const chargeback = (over: Partial<Chargeback>): Chargeback => ({
  id: 'dp_1',
  orderId: 'o',
  accountId: 'a',
  workspaceId: 'w',
  milestoneId: 'm',
  chargeId: 'ch_1',
  amount: 10_000,
  currency: 'USD',
  reason: 'fraudulent',
  stripeStatus: 'needs_response',
  outcome: null,
  evidenceDueBy: new Date('2026-03-20T00:00:00Z'),
  evidenceSubmitAt: new Date('2026-03-11T12:00:00Z'),
  evidenceSubmittedAt: null,
  evidence: null,
  evidenceLastError: null,
  evidenceAttempts: 0,
  evidenceFlaggedAt: null,
  openedAt: new Date('2026-03-10T11:00:00Z'),
  closedAt: null,
  ...over,
});

describe('chargebackView', () => {
  it('says where the evidence stands', () => {
    expect(chargebackView(chargeback({}), false, now)).toMatchObject({
      status: 'open',
      evidence: 'scheduled',
      dueBy: '2026-03-20T00:00:00.000Z',
    });
    expect(chargebackView(chargeback({ evidenceSubmittedAt: now }), true, now).evidence).toBe('submitted');
    expect(chargebackView(chargeback({}), true, now).evidence).toBe('freelancer_responds');
    expect(chargebackView(chargeback({ evidenceFlaggedAt: now }), false, now).evidence).toBe('past_due');
    expect(chargebackView(chargeback({ outcome: 'lost', closedAt: now }), false, now)).toMatchObject({
      status: 'lost',
      evidence: 'not_submitted',
    });
    expect(chargebackView(chargeback({ evidenceDueBy: new Date('2026-03-01T00:00:00Z') }), false, now).evidence).toBe('not_submitted');
  });
});
