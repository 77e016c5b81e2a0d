import { TimesheetEvents } from './timesheet.events';
import { BillingAccountEvents } from './billing-account.events';
import { BillingDocumentEvents } from './billing-document.events';
import { FilesEvents } from './files.events';
import { GatewayEvents } from './gateway.events';
import { MessagingEvents } from './messaging.events';
import { WorkspaceEvents } from './workspace.events';

/**
 * The one definition of the event topology (DESIGN §3): the exchange, and which service
 * consumes which routing-key patterns. Provisioning declares it per vhost and every
 * service declares it again at start, before its relay publishes anything, so an event is
 * queued for every consumer even if that consumer has never run. The relay publishes with
 * `mandatory`, so an event no pattern here matches is returned and stays unsent.
 *
 * Each consumer gets a durable `<service>.events` queue, one `<queue>.retry.<n>` queue
 * per delay and a `<queue>.dlq` (the queue arguments are derived in libs/messaging).
 * Changing a delay changes a queue's arguments: RabbitMQ refuses to redeclare a queue
 * with other arguments, so delete the old retry queues when you change them.
 */

/** The durable topic exchange every service publishes its events to. */
export const EVENTS_EXCHANGE = 'fpms.events';

/** Delay before each retry of a failed event, then the DLQ: 1 s, 5 s, 30 s, 2 min. */
export const DEFAULT_EVENT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000, 120_000];

export interface EventConsumerDefinition {
  /** Durable queue of the consuming service. */
  queue: string;
  /** Topic patterns bound to the exchange (`*` one word, `#` zero or more). */
  bindings: readonly string[];
  /** Delay before each retry; handler attempts = delays + 1. */
  retryDelaysMs: readonly number[];
}

export interface EventTopology {
  exchange: string;
  /** Keyed by consuming service. */
  consumers: Readonly<Record<string, EventConsumerDefinition>>;
}

const consumer = (service: string, bindings: readonly string[]): EventConsumerDefinition => ({
  queue: `${service}.events`,
  bindings,
  retryDelaysMs: DEFAULT_EVENT_RETRY_DELAYS_MS,
});

export const EVENT_TOPOLOGY: EventTopology = {
  exchange: EVENTS_EXCHANGE,
  consumers: {
    // Billing's money facts move milestones and dashboards; entitlements gate new work.
    // And erasure (issue 18 part 5): members' and invitations' addresses are pseudonymised.
    // Hourly contracts' weeks (issue 20): a saved payment method, a paid or unpaid week.
    workspace: consumer('workspace', [
      'billing.milestone.*',
      BillingAccountEvents.entitlementsChanged,
      GatewayEvents.userErased,
      TimesheetEvents.paymentMethodSaved,
      TimesheetEvents.weekPaid,
      TimesheetEvents.weekPaymentFailed,
    ]),
    // Plan limits (new accounts start on their plan, billing changes it) and milestones'
    // deliverables (each milestone event carries the one its pin must follow).
    files: consumer('files', [
      'workspace.account.*',
      BillingAccountEvents.accountPlanChanged,
      BillingAccountEvents.entitlementsChanged,
      'workspace.milestone.*',
      // Invoices' and credit notes' PDFs, stored in their workspace and pinned.
      BillingDocumentEvents.documentRendered,
      // Erasure (issue 18): the user's personal-data export archives are deleted.
      GatewayEvents.userErased,
    ]),
    // What billing acts on: new accounts (Connect, subscriptions) and the milestone steps
    // that move money. Queued from the start, so none is lost before billing consumes.
    billing: consumer('billing', [
      'workspace.account.*',
      // Accepted and submitted too: billing keeps each step as evidence for a chargeback.
      WorkspaceEvents.milestoneAccepted,
      WorkspaceEvents.milestoneFundingRequested,
      WorkspaceEvents.milestoneSubmitted,
      WorkspaceEvents.milestoneChangesRequested,
      WorkspaceEvents.milestoneApproved,
      WorkspaceEvents.milestoneCancelled,
      WorkspaceEvents.milestoneRefundRequested,
      WorkspaceEvents.milestoneDisputeOpened,
      WorkspaceEvents.milestoneDisputeWithdrawn,
      // An in-app dispute's decision: the money it names (refund part, release part).
      WorkspaceEvents.milestoneDisputeResolved,
      // Each version's file name: a chargeback's evidence names the delivered file, not only its version id.
      FilesEvents.versionReady,
      // Where an invoice's PDF was stored (the invoice records the file version).
      FilesEvents.documentStored,
      // Hourly contracts (issue 20): their terms, and each approved batch of a week's hours to charge.
      'workspace.hourly_contract.*',
      TimesheetEvents.weekApproved,
    ]),
    // Notifications and activity feeds: everything the other services publish, and the
    // gateway's user facts (email address, unsubscribes) that notification email needs.
    messaging: consumer('messaging', ['workspace.#', 'files.#', 'billing.#', 'gateway.user.*', MessagingEvents.messagePosted]),
    // The gateway's realtime fan-out (docs/realtime.md): one queue (`realtime.events`) shared by every gateway
    // replica, so each event is consumed once and emitted to rooms through the Redis adapter.
    // Membership changes make sockets leave (or join) their workspace's rooms at once.
    realtime: {
      queue: 'realtime.events',
      bindings: ['messaging.#', WorkspaceEvents.memberAdded, WorkspaceEvents.memberRemoved, WorkspaceEvents.memberRoleChanged],
      // Realtime is worth little late: two short retries, then the DLQ.
      retryDelaysMs: [1_000, 5_000],
    },
  },
};

/** The consumer definition of `service`; throws for a service that consumes nothing. */
export function eventConsumerDefinition(service: string, topology: EventTopology = EVENT_TOPOLOGY): EventConsumerDefinition {
  const def = topology.consumers[service];
  if (!def) throw new Error(`the event topology has no consumer '${service}'`);
  return def;
}

/** Whether a topic pattern matches a routing key (AMQP topic rules), for tests and tooling. */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const match = (p: string[], k: string[]): boolean => {
    if (p.length === 0) return k.length === 0;
    const [head, ...rest] = p;
    if (head === '#') return match(rest, k) || (k.length > 0 && match(p, k.slice(1)));
    if (k.length === 0) return false;
    return (head === '*' || head === k[0]) && match(rest, k.slice(1));
  };
  return match(pattern.split('.'), routingKey.split('.'));
}

/** Consumers whose bindings route `routingKey` to them. */
export function consumersOf(routingKey: string, topology: EventTopology = EVENT_TOPOLOGY): string[] {
  return Object.entries(topology.consumers)
    .filter(([, def]) => def.bindings.some((p) => topicMatches(p, routingKey)))
    .map(([service]) => service);
}
