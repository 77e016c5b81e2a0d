import type { MilestoneCommandResult } from './approvals.rpc';
import { Addressed, NoFields } from '../requests/addressed';
import {
  CreateMilestoneRequest,
  ListMilestonesRequest,
  MilestoneCommandRequest,
  SubmitMilestoneRequest,
  UpdateMilestoneRequest,
} from '../requests/milestones.requests';
import { OpenDisputeRequest } from '../requests/disputes.requests';
import type { MilestoneBillingMode, MilestoneStatusValue } from './milestone-values';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

export * from './milestone-values';

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
  /** How the milestone is paid: escrowed up front, or paid by the client once approved. */
  billing: MilestoneBillingMode;
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

const MilestoneRef = Addressed(NoFields, 'workspaceId', 'milestoneId');

/** Commands answer the milestone, and the approval request when a chain holds the action back (approvals.rpc). */
const command = (pattern: string) =>
  rpcPattern<MilestoneCommandResult>()(queue, `workspace.milestones.${pattern}`, MilestoneCommandRequest);

export const MilestonesRpc = {
  create: rpcPattern<MilestoneView>()(queue, 'workspace.milestones.create', CreateMilestoneRequest),
  list: rpcPattern<{ items: MilestoneView[]; nextBefore: string | null }>()(queue, 'workspace.milestones.list', ListMilestonesRequest),
  get: rpcPattern<MilestoneView>()(queue, 'workspace.milestones.get', MilestoneRef),
  update: rpcPattern<MilestoneView>()(queue, 'workspace.milestones.update', UpdateMilestoneRequest),
  propose: command('propose'),
  decline: command('decline'),
  accept: command('accept'),
  startFunding: command('start-funding'),
  submit: rpcPattern<MilestoneCommandResult>()(queue, 'workspace.milestones.submit', SubmitMilestoneRequest),
  requestChanges: command('request-changes'),
  approve: command('approve'),
  cancel: command('cancel'),
  requestRefund: command('request-refund'),
  /** Opens the in-app dispute (its record: DisputesRpc), with the opener's optional statement. */
  openDispute: rpcPattern<MilestoneView>()(queue, 'workspace.milestones.open-dispute', OpenDisputeRequest),
  withdrawDispute: command('withdraw-dispute'),
} as const;
