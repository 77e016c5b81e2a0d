import { randomUUID } from 'node:crypto';
import { EventEnvelope, NOTIFICATION_CATALOGUE, UPCOMING_EVENTS } from '@fpms/contracts';
import { Engagement, milestoneEvent, NotificationWorld, startNotificationWorld } from './notification-world';

type Who = 'owner' | 'collaborator' | 'clientAdmin' | 'clientViewer' | 'subject';

const HOUR = 3_600_000;
const iso = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

const money = (status: string, m: Partial<Record<'charged' | 'released' | 'platformFee' | 'refunded' | 'disputed', number>>) => ({
  status,
  currency: 'EUR',
  charged: 0,
  released: 0,
  platformFee: 0,
  refunded: 0,
  disputed: 0,
  ...m,
});

function envelope(e: Engagement, type: string, aggregateId: string, data: Record<string, unknown>, workspace = true): EventEnvelope {
  return {
    id: randomUUID(),
    type,
    tenant: workspace ? { accountId: e.accountId, workspaceId: e.workspaceId } : { accountId: e.accountId },
    aggregateId,
    aggregateVersion: 1,
    occurredAt: iso(),
    data,
  };
}

function billing(e: Engagement, type: string, milestoneId: string, extra: Record<string, unknown>): EventEnvelope {
  return envelope(e, type, milestoneId, {
    milestoneId,
    workspaceId: e.workspaceId,
    orderId: `ord_${milestoneId}`,
    amount: 120_000,
    currency: 'EUR',
    ...extra,
  });
}

const entitlements = (e: Engagement, standing: string) =>
  envelope(
    e,
    'billing.entitlements.changed',
    e.accountId,
    {
      accountId: e.accountId,
      plan: 'pro',
      standing,
      limits: { storageQuotaBytes: 1, maxFileSizeBytes: 1, activeWorkspaces: null, membersPerWorkspace: null, milestonesPerMonth: null },
      features: [],
      platformFeeBps: 500,
      pastDueSince: iso(-HOUR),
      locksAt: standing === 'past_due' ? iso(HOUR) : null,
    },
    false,
  );

const connect = (e: Engagement, status: string, enabled: boolean) =>
  envelope(
    e,
    'billing.connect.status_changed',
    e.accountId,
    { accountId: e.accountId, status, chargesEnabled: enabled, payoutsEnabled: enabled, requirements: enabled ? [] : ['external_account'] },
    false,
  );

const payoutFailed = (e: Engagement) =>
  envelope(
    e,
    'billing.payout.failed',
    e.accountId,
    {
      accountId: e.accountId,
      payoutId: `po_${randomUUID().replace(/-/g, '')}`,
      amount: 2_500,
      currency: 'USD',
      failureCode: 'account_closed',
      failureMessage: 'The bank account has been closed.',
      afterPaid: false,
    },
    false,
  );

/**
 * Every catalogue type whose event is produced today, published as its producer would, in
 * engagement A, with who must get it. Engagement B's members (another tenant) never may.
 */
function cases(e: Engagement, subjectUserId: string): { type: string; event: EventEnvelope; expected: Who[] }[] {
  const m = randomUUID();
  const file = randomUUID();
  const ms = (type: string, actor: 'owner' | 'collaborator' | 'clientAdmin' | null) =>
    milestoneEvent(e, type, m, { actorUserId: actor ? e[actor].userId : null, title: 'Logo' });
  // Each membership change a version newer than the last, as the workspace service numbers them
  // (messaging's projection ignores a change that is not newer than what it holds).
  let membershipVersion = 0;
  const member = (type: string, role: string | null, previousRole: string | null) => ({
    ...envelope(e, type, `${e.workspaceId}:${subjectUserId}`, { workspaceId: e.workspaceId, userId: subjectUserId, role, previousRole }),
    aggregateVersion: ++membershipVersion,
  });
  const approval = (
    type: string,
    approvers: Array<'owner' | 'collaborator' | 'clientAdmin' | 'clientViewer'>,
    actor: 'owner' | 'clientAdmin' | null,
  ) =>
    envelope(e, type, randomUUID(), {
      requestId: randomUUID(),
      workspaceId: e.workspaceId,
      milestoneId: m,
      milestoneTitle: 'Logo',
      action: 'approve',
      status: 'pending',
      requestedBy: e.clientAdmin.userId,
      amount: 120_000,
      currency: 'EUR',
      gate: 0,
      gateName: 'Finance',
      approverUserIds: approvers.map((who) => e[who].userId),
      actorUserId: actor ? e[actor].userId : null,
      reason: null,
    });
  const contractId = randomUUID();
  const week = (type: string, data: Record<string, unknown>) =>
    envelope(e, type, contractId, {
      contractId,
      workspaceId: e.workspaceId,
      accountId: e.accountId,
      weekStart: '2026-03-23',
      timeZone: 'Europe/Berlin',
      ...data,
    });
  const charge = { batch: 0, invoiceId: randomUUID(), invoiceNumber: 'INV-7', amountMinor: 6_000, currency: 'EUR' };
  return [
    { type: 'milestone.proposed', event: ms('workspace.milestone.proposed', 'owner'), expected: ['clientAdmin', 'clientViewer'] },
    { type: 'milestone.accepted', event: ms('workspace.milestone.accepted', 'clientAdmin'), expected: ['owner', 'collaborator'] },
    { type: 'milestone.declined', event: ms('workspace.milestone.declined', 'clientAdmin'), expected: ['owner', 'collaborator'] },
    {
      type: 'milestone.funding_started',
      event: ms('workspace.milestone.funding_requested', 'clientAdmin'),
      expected: ['owner', 'collaborator'],
    },
    { type: 'milestone.submitted', event: ms('workspace.milestone.submitted', 'collaborator'), expected: ['clientAdmin', 'clientViewer'] },
    {
      type: 'milestone.changes_requested',
      event: ms('workspace.milestone.changes_requested', 'clientAdmin'),
      expected: ['owner', 'collaborator'],
    },
    {
      type: 'milestone.approved',
      event: ms('workspace.milestone.approved', 'clientAdmin'),
      expected: ['owner', 'collaborator', 'clientViewer'],
    },
    { type: 'milestone.auto_approval_reminder', event: ms('workspace.milestone.review_reminder', null), expected: ['clientAdmin'] },
    {
      type: 'milestone.cancelled',
      event: ms('workspace.milestone.cancelled', 'owner'),
      expected: ['collaborator', 'clientAdmin', 'clientViewer'],
    },
    {
      type: 'milestone.refund_requested',
      event: ms('workspace.milestone.refund_requested', 'clientAdmin'),
      expected: ['owner', 'collaborator'],
    },
    { type: 'milestone.disputed', event: ms('workspace.milestone.dispute_opened', 'clientAdmin'), expected: ['owner'] },
    { type: 'milestone.dispute_withdrawn', event: ms('workspace.milestone.dispute_withdrawn', 'clientAdmin'), expected: ['owner'] },
    {
      type: 'milestone.funded',
      event: billing(e, 'billing.milestone.funded', m, { chargeId: 'ch_1', money: money('held', { charged: 120_000 }) }),
      expected: ['owner', 'collaborator', 'clientAdmin', 'clientViewer'],
    },
    {
      type: 'payment.failed',
      event: billing(e, 'billing.milestone.payment_failed', m, { money: money('payment_failed', {}), failureCode: 'card_declined' }),
      expected: ['clientAdmin'],
    },
    {
      type: 'milestone.released',
      event: billing(e, 'billing.milestone.released', m, {
        transferId: 'tr_1',
        platformFee: 6_000,
        money: money('released', { charged: 120_000, released: 120_000, platformFee: 6_000 }),
      }),
      expected: ['owner', 'collaborator'],
    },
    {
      type: 'milestone.refunded',
      event: billing(e, 'billing.milestone.refunded', m, {
        refundId: 're_1',
        money: money('refunded', { charged: 120_000, refunded: 120_000 }),
      }),
      expected: ['owner', 'collaborator', 'clientAdmin', 'clientViewer'],
    },
    {
      type: 'milestone.chargeback_opened',
      event: billing(e, 'billing.milestone.disputed', m, {
        disputeId: 'dp_1',
        money: money('held', { charged: 120_000, disputed: 120_000 }),
      }),
      expected: ['owner', 'clientAdmin'],
    },
    {
      type: 'milestone.chargeback_closed',
      event: billing(e, 'billing.milestone.dispute_closed', m, {
        disputeId: 'dp_1',
        outcome: 'won',
        money: money('held', { charged: 120_000 }),
      }),
      expected: ['owner', 'clientAdmin'],
    },
    // Approval chains: the gate's approvers are asked (never the actor), the requester hears the outcome.
    {
      type: 'approval.requested',
      event: approval('workspace.approval.requested', ['clientViewer'], 'clientAdmin'),
      expected: ['clientViewer'],
    },
    {
      type: 'approval.next_gate',
      event: approval('workspace.approval.gate_opened', ['clientViewer', 'clientAdmin'], 'clientAdmin'),
      expected: ['clientViewer'],
    },
    { type: 'approval.reminder', event: approval('workspace.approval.reminder', ['clientViewer'], null), expected: ['clientViewer'] },
    { type: 'approval.escalated', event: approval('workspace.approval.escalated', ['clientViewer'], null), expected: ['clientViewer'] },
    { type: 'approval.approved', event: approval('workspace.approval.approved', [], null), expected: ['clientAdmin'] },
    { type: 'approval.rejected', event: approval('workspace.approval.rejected', [], 'owner'), expected: ['clientAdmin'] },
    { type: 'member.joined', event: member('workspace.member.added', 'collaborator', null), expected: ['owner', 'clientAdmin'] },
    { type: 'member.role_changed', event: member('workspace.member.role_changed', 'client_viewer', 'collaborator'), expected: ['subject'] },
    { type: 'member.removed', event: member('workspace.member.removed', null, 'client_viewer'), expected: ['subject'] },
    {
      type: 'file.shared',
      event: envelope(e, 'files.version.ready', file, {
        fileId: file,
        versionId: randomUUID(),
        workspaceId: e.workspaceId,
        number: 1,
        name: 'brief.pdf',
        size: 10,
        contentType: 'application/pdf',
        uploadedBy: e.collaborator.userId,
      }),
      expected: ['owner', 'clientAdmin', 'clientViewer'],
    },
    {
      type: 'file.deleted',
      event: envelope(e, 'files.file.deleted', file, {
        fileId: file,
        workspaceId: e.workspaceId,
        deletedBy: e.owner.userId,
        restorableUntil: iso(HOUR),
      }),
      expected: ['collaborator', 'clientAdmin', 'clientViewer'],
    },
    {
      type: 'file.restored',
      event: envelope(e, 'files.file.restored', file, { fileId: file, workspaceId: e.workspaceId, restoredBy: e.clientViewer.userId }),
      expected: ['owner', 'collaborator', 'clientAdmin'],
    },
    // Hourly contracts' weekly cycle: the client admins review and pay, the workspace's owner is told of disputes and payments.
    {
      type: 'time_week.review_requested',
      event: week('workspace.time_week.closed', { closedAt: iso(), reviewDueAt: iso(5 * 24 * HOUR), entryCount: 2, totalSeconds: 7200 }),
      expected: ['clientAdmin'],
    },
    {
      type: 'time_week.entry_disputed',
      event: week('workspace.time_week.entry_disputed', {
        entryId: randomUUID(),
        userId: e.collaborator.userId,
        seconds: 3600,
        reason: 'Not agreed',
        actorUserId: e.clientAdmin.userId,
      }),
      expected: ['owner'],
    },
    {
      type: 'time_week.payment_failed',
      event: week('billing.time_week.payment_failed', { ...charge, attempt: 1, declineCode: 'card_declined', willRetryAt: null }),
      expected: ['clientAdmin'],
    },
    {
      type: 'time_week.paid',
      event: week('billing.time_week.paid', { ...charge, platformFeeMinor: 600, transferredMinor: 5_400, paidAt: iso() }),
      expected: ['owner'],
    },
    { type: 'connect.onboarding_needed', event: connect(e, 'restricted', false), expected: ['owner'] },
    { type: 'connect.enabled', event: connect(e, 'enabled', true), expected: ['owner'] },
    { type: 'payout.failed', event: payoutFailed(e), expected: ['owner'] },
    { type: 'subscription.past_due', event: entitlements(e, 'past_due'), expected: ['owner'] },
    { type: 'account.locked', event: entitlements(e, 'locked'), expected: ['owner'] },
  ];
}

describe('notification catalogue: each type reaches its audience, and only it', () => {
  let world: NotificationWorld;

  beforeAll(async () => {
    world = await startNotificationWorld();
  }, 240_000);

  afterAll(async () => {
    await world?.close();
  }, 60_000);

  it('maps every produced event to its type and audience; another tenant never gets any of it', async () => {
    const { a, b } = world;
    const subject = randomUUID();
    const all = cases(a, subject);
    const upcoming = new Set<string>(Object.values(UPCOMING_EVENTS));
    // Every type whose event is produced today is covered here (the others: catalogue spec).
    expect(all.map((c) => c.type).sort()).toEqual(
      NOTIFICATION_CATALOGUE.filter((d) => !upcoming.has(d.event))
        .map((d) => d.type)
        .sort(),
    );

    const idOf = (who: Who) => (who === 'subject' ? subject : a[who].userId);
    const tenantB = [b.owner, b.collaborator, b.clientAdmin, b.clientViewer].map((u) => u.userId);
    for (const c of all) {
      await world.publish(c.event);
      await world.processed(c.event.id);
      const rows: { user_id: string; type: string }[] = await world.db.query(
        `select user_id, type from notifications where source_event_id = $1`,
        [c.event.id],
      );
      const got = rows
        .filter((r) => r.type === c.type)
        .map((r) => r.user_id)
        .sort();
      expect([c.type, got]).toEqual([c.type, c.expected.map(idOf).sort()]);
      expect(rows.filter((r) => tenantB.includes(r.user_id))).toEqual([]);
    }
  });

  it("notifies tenant B's members of B's events and none of A's", async () => {
    const { a, b } = world;
    const event = milestoneEvent(b, 'workspace.milestone.proposed', randomUUID(), { actorUserId: b.owner.userId });
    await world.publish(event);
    await world.processed(event.id);
    const rows: { user_id: string }[] = await world.db.query(`select user_id from notifications where source_event_id = $1`, [event.id]);
    expect(rows.map((r) => r.user_id).sort()).toEqual([b.clientAdmin.userId, b.clientViewer.userId].sort());
    const tenantA = [a.owner, a.collaborator, a.clientAdmin, a.clientViewer].map((u) => u.userId);
    expect(rows.some((r) => tenantA.includes(r.user_id))).toBe(false);
  });

  it('notifies a real invitation acceptance (workspace.member.added from the workspace service) to the owner, not the joiner', async () => {
    const rows: { user_id: string; type: string }[] = await world.db.query(
      `select user_id, type from notifications where type = 'member.joined' and workspace_id = $1 and subject_id = $2`,
      [world.a.workspaceId, world.a.clientViewer.userId],
    );
    // The client viewer was invited by the client admin and joined: the owner and the client admin hear of it.
    expect(rows.map((r) => r.user_id).sort()).toEqual([world.a.owner.userId, world.a.clientAdmin.userId].sort());
  });
});
