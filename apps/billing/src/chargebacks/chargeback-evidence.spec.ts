import { assembleEvidence } from './chargeback-evidence';
import type { MilestoneActivity } from './milestone-activity.repository';

const step = (eventType: string, at: string, extra: Partial<MilestoneActivity> = {}): MilestoneActivity => ({
  eventType,
  milestoneVersion: 0,
  status: eventType.split('.').pop() as string,
  title: 'Site audit',
  description: 'Audit of 20 pages',
  amount: 5000,
  currency: 'EUR',
  actorUserId: null,
  deliverableFileVersionId: null,
  deliverableFileName: null,
  approvedBy: null,
  occurredAt: new Date(at),
  ...extra,
});

describe('assembleEvidence', () => {
  const milestone = { milestoneId: 'm-1', amount: 5000, currency: 'EUR' };

  it('says the approval was automatic when the client stayed silent through the review window', () => {
    const evidence = assembleEvidence(milestone, [
      step('workspace.milestone.accepted', '2026-01-02T10:00:00Z', { actorUserId: 'client-1', milestoneVersion: 2 }),
      step('workspace.milestone.submitted', '2026-01-05T10:00:00Z', {
        actorUserId: 'owner-1',
        deliverableFileVersionId: 'v-9',
        milestoneVersion: 4,
      }),
      step('workspace.milestone.approved', '2026-01-08T10:00:00Z', { approvedBy: 'auto', milestoneVersion: 5 }),
    ]);
    expect(evidence.uncategorized_text).toContain('approved automatically at 2026-01-08T10:00:00.000Z');
    expect(evidence.uncategorized_text).toContain('deliverable file version v-9 (file name not known to billing)');
    expect(evidence.service_date).toBe('2026-01-08');
    expect(evidence.access_activity_log.split('\n')).toEqual([
      '2026-01-02T10:00:00.000Z user client-1 accepted the milestone (status accepted, version 2)',
      '2026-01-05T10:00:00.000Z user owner-1 delivered the work: deliverable file version v-9 (file name not known to billing) (status submitted, version 4)',
      '2026-01-08T10:00:00.000Z the system approved the delivered work (status approved, version 5)',
    ]);
  });

  it('names the delivered file and its pinned version when billing heard of the file', () => {
    const evidence = assembleEvidence(milestone, [
      step('workspace.milestone.submitted', '2026-01-05T10:00:00Z', {
        actorUserId: 'owner-1',
        deliverableFileVersionId: 'v-9',
        deliverableFileName: 'audit-report.pdf',
      }),
    ]);
    expect(evidence.uncategorized_text).toBe(
      'The freelancer delivered the work at 2026-01-05T10:00:00.000Z: deliverable file "audit-report.pdf" (file version v-9), pinned to the milestone.',
    );
    expect(evidence.access_activity_log).toContain('delivered the work: deliverable file "audit-report.pdf" (file version v-9)');
    expect(evidence.uncategorized_text).not.toContain('not known');
  });

  it('still answers with the agreed work when billing recorded no step', () => {
    const evidence = assembleEvidence(milestone, []);
    expect(evidence.product_description).toContain('5000 EUR');
    expect(evidence.service_date).toBeUndefined();
    expect(evidence.access_activity_log).toBe('No activity recorded.');
  });

  it('keeps each field within Stripe’s limit', () => {
    const many = Array.from({ length: 2000 }, (_, i) =>
      step('workspace.milestone.changes_requested', new Date(1e12 + i * 1000).toISOString()),
    );
    expect(assembleEvidence(milestone, many).access_activity_log.length).toBeLessThanOrEqual(20_000);
  });
});
