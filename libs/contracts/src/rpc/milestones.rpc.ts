import { z } from 'zod';
import { currencySchema } from '../events/billing.events';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export const MILESTONE_STATUS_VALUES = [
  'draft',
  'proposed',
  'accepted',
  'funding',
  'funded',
  'submitted',
  'changes_requested',
  'approved',
  'released',
  'cancelled',
  'refund_requested',
  'refunded',
  'disputed',
] as const;
export type MilestoneStatusValue = (typeof MILESTONE_STATUS_VALUES)[number];

/** Member commands on a milestone; each is its own route and RPC pattern. */
export const MILESTONE_COMMAND_VALUES = [
  'propose',
  'decline',
  'accept',
  'start_funding',
  'submit',
  'request_changes',
  'approve',
  'cancel',
  'request_refund',
  'open_dispute',
  'withdraw_dispute',
] as const;
export type MilestoneCommandValue = (typeof MILESTONE_COMMAND_VALUES)[number];

export interface MilestoneView {
  id: string;
  workspaceId: string;
  title: string;
  description: string | null;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
  /** YYYY-MM-DD (UTC) or null. */
  dueDate: string | null;
  reviewWindowDays: number;
  status: MilestoneStatusValue;
  /** The file version pinned at submission: approval is tied to exactly this. */
  deliverableFileVersionId: string | null;
  submittedAt: string | null;
  /** When the client's silence becomes an approval (null unless submitted; null while a dispute pauses it). */
  reviewDueAt: string | null;
  approvedAt: string | null;
  /** `client` or `auto` (the review window lapsed). */
  approvedBy: 'client' | 'auto' | null;
  /** billing's newest money state for this milestone (integer minor units of `currency`); zeros until billing reports. */
  money: { charged: number; released: number; platformFee: number; refunded: number; disputed: number };
  /**
   * What holds the milestone still (status `disputed` while either is on): an in-app dispute,
   * withdrawn by the member who opened it, and a bank chargeback, lifted only by billing.
   * No approval, auto-approval or release while any is on.
   */
  freezes: { dispute: { openedBy: string } | null; chargeback: boolean };
  version: number;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** Minor units: an integer, never a float, up to 10^12 (ten billion in a two-decimal currency). */
export const amountSchema = z.number().int().positive().max(1_000_000_000_000);
/** A calendar date, YYYY-MM-DD, that exists. */
export const dateSchema = z.iso.date();
export const reviewWindowDaysSchema = z.number().int().min(1).max(30);
/** Files service version ids are UUIDs; the files service validates existence when pinning. */
export const fileVersionIdSchema = z.uuid();

const workspaceId = z.uuid();
const milestoneId = z.uuid();
const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(10_000);
const currency = z
  .string()
  .transform((c) => c.toUpperCase())
  .pipe(currencySchema);
const note = z.string().trim().max(2000).optional();
const expectedVersion = z.number().int().positive().optional();

const command = (pattern: string, extra: z.ZodRawShape = {}) =>
  rpcPattern<MilestoneView>()(
    queue,
    `workspace.milestones.${pattern}`,
    z.object({ workspaceId, milestoneId, note, expectedVersion, ...extra }),
  );

export const MilestonesRpc = {
  create: rpcPattern<MilestoneView>()(
    queue,
    'workspace.milestones.create',
    z.object({
      workspaceId,
      title,
      description: description.optional(),
      amount: amountSchema,
      currency,
      dueDate: dateSchema.optional(),
      /** Defaults to the workspace's review window. */
      reviewWindowDays: reviewWindowDaysSchema.optional(),
    }),
  ),
  list: rpcPattern<{ items: MilestoneView[]; nextBefore: string | null }>()(
    queue,
    'workspace.milestones.list',
    z.object({
      workspaceId,
      status: z.enum(MILESTONE_STATUS_VALUES).optional(),
      limit: z.number().int().min(1).max(200).default(50),
      /** Cursor: the `nextBefore` of the previous page. */
      before: z
        .string()
        .regex(/^\d{1,19}$/)
        .optional(),
    }),
  ),
  get: rpcPattern<MilestoneView>()(queue, 'workspace.milestones.get', z.object({ workspaceId, milestoneId })),
  update: rpcPattern<MilestoneView>()(
    queue,
    'workspace.milestones.update',
    z.object({
      workspaceId,
      milestoneId,
      expectedVersion,
      title: title.optional(),
      description: description.nullable().optional(),
      amount: amountSchema.optional(),
      currency: currency.optional(),
      dueDate: dateSchema.nullable().optional(),
      reviewWindowDays: reviewWindowDaysSchema.optional(),
    }),
  ),
  propose: command('propose'),
  decline: command('decline'),
  accept: command('accept'),
  startFunding: command('start-funding'),
  submit: command('submit', { deliverableFileVersionId: fileVersionIdSchema }),
  requestChanges: command('request-changes'),
  approve: command('approve'),
  cancel: command('cancel'),
  requestRefund: command('request-refund'),
  openDispute: command('open-dispute'),
  withdrawDispute: command('withdraw-dispute'),
} as const;
