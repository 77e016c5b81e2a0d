import { BillingAccountEvents } from './billing-account.events';
import { BillingConnectEvents } from './billing-connect.events';
import { BillingDocumentEvents } from './billing-document.events';
import { BillingEvents } from './billing.events';
import { MessagingEvents } from './messaging.events';
import { consumersOf, EVENT_TOPOLOGY, eventConsumerDefinition, topicMatches } from './event-topology';
import { FilesEvents } from './files.events';
import { GatewayEvents } from './gateway.events';
import { WorkspaceEvents } from './workspace.events';

describe('event topology', () => {
  it('matches topic patterns as RabbitMQ does', () => {
    expect(topicMatches('billing.milestone.*', 'billing.milestone.funded')).toBe(true);
    expect(topicMatches('billing.milestone.*', 'billing.milestone')).toBe(false);
    expect(topicMatches('billing.milestone.*', 'billing.milestone.funded.extra')).toBe(false);
    expect(topicMatches('billing.#', 'billing')).toBe(true);
    expect(topicMatches('billing.#', 'billing.account.plan_changed')).toBe(true);
    expect(topicMatches('#', 'anything.at.all')).toBe(true);
    expect(topicMatches('*.account.*', 'workspace.account.created')).toBe(true);
    expect(topicMatches('workspace.account.*', 'files.account.created')).toBe(false);
  });

  it('routes every event a service publishes today to at least one queue (nothing would come back unroutable)', () => {
    const published = [
      WorkspaceEvents,
      FilesEvents,
      BillingEvents,
      BillingAccountEvents,
      BillingConnectEvents,
      BillingDocumentEvents,
      MessagingEvents,
    ].flatMap((events) => Object.values(events));
    const orphans = published.filter((key) => consumersOf(key).length === 0);
    expect(orphans).toEqual([]);
  });

  it('states who consumes what', () => {
    expect(consumersOf(BillingEvents.milestoneReleased)).toEqual(expect.arrayContaining(['workspace', 'messaging']));
    expect(consumersOf(WorkspaceEvents.milestoneApproved)).toEqual(expect.arrayContaining(['billing', 'messaging']));
    expect(consumersOf(WorkspaceEvents.milestoneFundingRequested)).toContain('billing');
    // Billing keeps each version's file name for chargeback evidence; deletions are not its concern.
    expect(consumersOf(FilesEvents.versionReady)).toEqual(expect.arrayContaining(['billing', 'messaging']));
    expect(consumersOf(FilesEvents.fileDeleted)).not.toContain('billing');
    // The files service follows each milestone's deliverable to keep exactly its pin.
    expect(consumersOf(WorkspaceEvents.milestoneSubmitted)).toEqual(expect.arrayContaining(['files', 'messaging']));
    expect(consumersOf(WorkspaceEvents.accountCreated)).toEqual(expect.arrayContaining(['files', 'billing', 'messaging']));
    expect(consumersOf(BillingAccountEvents.accountPlanChanged)).toEqual(expect.arrayContaining(['files', 'messaging']));
    // Connect status changes are notifications for now (billing reads its own state to refuse funding).
    expect(consumersOf(BillingConnectEvents.connectStatusChanged)).toEqual(['messaging']);
    // The workspace service takes only billing's milestone facts, not its own events.
    expect(consumersOf(WorkspaceEvents.milestoneApproved)).not.toContain('workspace');
    expect(consumersOf(BillingAccountEvents.accountPlanChanged)).not.toContain('workspace');
    // Invoice PDFs go to the files service to be stored; where they were stored comes back to billing.
    expect(consumersOf(BillingDocumentEvents.documentRendered)).toContain('files');
    expect(consumersOf(FilesEvents.documentStored)).toContain('billing');
    expect(consumersOf('nobody.binds.this')).toEqual([]);
    // A posted message reaches the gateway's realtime fan-out and messaging itself (it notifies the other members).
    expect(consumersOf(MessagingEvents.messagePosted).sort()).toEqual(['messaging', 'realtime']);
    expect(consumersOf(WorkspaceEvents.memberRemoved)).toEqual(expect.arrayContaining(['messaging', 'realtime']));
    // Erasure reaches every service that keeps an address or name, and files for the user's export
    // archives (billing keeps ids only).
    expect(consumersOf(GatewayEvents.userErased).sort()).toEqual(['files', 'messaging', 'workspace']);
  });

  it('names one durable queue per consuming service', () => {
    expect(Object.keys(EVENT_TOPOLOGY.consumers).sort()).toEqual(['billing', 'files', 'messaging', 'realtime', 'workspace']);
    for (const [service, def] of Object.entries(EVENT_TOPOLOGY.consumers)) {
      expect(def.queue).toBe(`${service}.events`);
      expect(def.bindings.length).toBeGreaterThan(0);
    }
    expect(() => eventConsumerDefinition('gateway')).toThrow(/no consumer 'gateway'/);
  });
});
