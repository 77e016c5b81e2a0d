import { Addressed, NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('billing');

/** The freelancer answers the milestone's chargebacks personally: billing submits no evidence for them. */
export interface ChargebackResponderView {
  milestoneId: string;
  respondsMyself: true;
  chosenBy: string;
  chosenAt: string;
}

const MilestoneRef = Addressed(NoFields, 'workspaceId', 'milestoneId');

export const BillingChargebacksRpc = {
  /**
   * The freelancer side (milestones.manage) takes over answering chargebacks on the
   * milestone's payment. 404 `payment_not_found` before there is a payment; 409
   * `chargeback_evidence_already_submitted` when billing already answered an open one.
   * Idempotent: a second call answers the first choice.
   */
  respondMyself: rpcPattern<ChargebackResponderView>()(queue, 'billing.chargebacks.respond_myself', MilestoneRef),
} as const;
