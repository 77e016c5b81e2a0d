import { randomUUID } from 'node:crypto';
import { BillingAccountEvents } from './billing-account.events';
import { BillingConnectEvents } from './billing-connect.events';
import { BillingDocumentEvents } from './billing-document.events';
import { BillingPayoutEvents } from './billing-payout.events';
import { BillingEvents } from './billing.events';
import { EVENT_DATA_SCHEMAS, eventDataSchema } from './event-schemas';
import { FilesEvents } from './files.events';
import { GatewayEvents } from './gateway.events';
import { MessagingEvents } from './messaging.events';
import { TimesheetEvents } from './timesheet.events';
import { WorkspaceEvents } from './workspace.events';

describe('EVENT_DATA_SCHEMAS', () => {
  const published = [
    WorkspaceEvents,
    FilesEvents,
    BillingEvents,
    BillingAccountEvents,
    BillingConnectEvents,
    BillingDocumentEvents,
    BillingPayoutEvents,
    GatewayEvents,
    MessagingEvents,
    TimesheetEvents,
  ].flatMap((events) => Object.values(events));

  it('has a schema for every event type a service publishes, and none for anything else', () => {
    expect(Object.keys(EVENT_DATA_SCHEMAS).sort()).toEqual([...published].sort());
    expect(eventDataSchema('files.file.renamed')).toBeUndefined();
  });

  it('checks workspace and files payloads like billing’s', () => {
    const id = randomUUID();
    const milestone = {
      milestoneId: id,
      workspaceId: id,
      accountId: id,
      title: 'Design',
      amount: 50_000,
      currency: 'EUR',
      status: 'submitted',
      previousStatus: 'funded',
      actorUserId: id,
      deliverableFileVersionId: id,
      reviewDueAt: new Date().toISOString(),
    };
    expect(eventDataSchema(WorkspaceEvents.milestoneSubmitted)!.safeParse(milestone).success).toBe(true);
    expect(eventDataSchema(WorkspaceEvents.milestoneSubmitted)!.safeParse({ ...milestone, status: 'shipped' }).success).toBe(false);
    expect(eventDataSchema(WorkspaceEvents.milestoneSubmitted)!.safeParse({ ...milestone, amount: 1.5 }).success).toBe(false);
    expect(
      eventDataSchema(WorkspaceEvents.memberRemoved)!.safeParse({ workspaceId: id, userId: id, role: null, previousRole: 'collaborator' })
        .success,
    ).toBe(true);
    expect(eventDataSchema(FilesEvents.filePurged)!.safeParse({ fileId: id, workspaceId: id, versionIds: ['v1'] }).success).toBe(false);
  });
});
