import { z } from 'zod';
import { billingAccountEventDataSchemas } from './billing-account.events';
import { billingConnectEventDataSchemas } from './billing-connect.events';
import { billingPayoutEventDataSchemas } from './billing-payout.events';
import { billingEventDataSchemas } from './billing.events';
import { billingDocumentEventDataSchemas } from './billing-document.events';
import { filesEventDataSchemas } from './files.events';
import { gatewayEventDataSchemas } from './gateway.events';
import { messagingEventDataSchemas } from './messaging.events';
import { timesheetEventDataSchemas } from './timesheet.events';
import { workspaceEventDataSchemas } from './workspace.events';

/**
 * Every event type the platform publishes, mapped to the zod schema of its `data`: the one
 * definition the outbox writer types its `(type, payload)` pairs by (compile time) and
 * every consumer parses `data` with before its subscriber sees it (run time; a payload
 * that fails goes to the DLQ). A new event type is added here, and bound in EVENT_TOPOLOGY.
 */
export const EVENT_DATA_SCHEMAS = {
  ...workspaceEventDataSchemas,
  ...filesEventDataSchemas,
  ...billingEventDataSchemas,
  ...billingDocumentEventDataSchemas,
  ...billingAccountEventDataSchemas,
  ...billingConnectEventDataSchemas,
  ...billingPayoutEventDataSchemas,
  ...gatewayEventDataSchemas,
  ...messagingEventDataSchemas,
  ...timesheetEventDataSchemas,
} satisfies Record<string, z.ZodType>;

export type EventDataSchemas = typeof EVENT_DATA_SCHEMAS;
export type EventType = keyof EventDataSchemas;
/** What a consumer gets (after parsing: defaults applied). */
export type EventData<T extends EventType> = z.output<EventDataSchemas[T]>;
/** What a producer writes. */
export type EventDataInput<T extends EventType> = z.input<EventDataSchemas[T]>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EVENT_DATA_SCHEMAS, type);
}

/** The schema of `type`'s data, or undefined for a type the platform does not publish. */
export function eventDataSchema(type: string): z.ZodType | undefined {
  return isEventType(type) ? EVENT_DATA_SCHEMAS[type] : undefined;
}
