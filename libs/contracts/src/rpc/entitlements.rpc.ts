import type { AccountStandingView } from '../entitlements';
import { NoFields } from '../requests/addressed';
import { rpcPattern, rpcQueue } from './rpc-pattern';

const queue = rpcQueue('workspace');

/** The workspace service's projection of billing's entitlements, as the caller may see it. */
export const EntitlementsRpc = {
  /**
   * The plan and standing of the caller's own account and of every account whose
   * workspaces the caller works in on the freelancer side (never a client's view of them).
   */
  accountStandings: rpcPattern<{ items: AccountStandingView[] }>()(queue, 'workspace.entitlements.standings', NoFields),
};
