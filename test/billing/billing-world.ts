import Stripe from 'stripe';
import { BillingPaymentsRpc, FundingView, RpcContext } from '@fpms/contracts';
import { DataSource } from 'typeorm';
import type { Clock } from '@fpms/common/scheduling/clock';
import { ServiceName } from '@fpms/database/service-names';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import {
  connectServiceDb,
  createWorkspace,
  inviteAndJoin,
  onboardToConnect,
  RunningPlatform,
  signUp,
  grantPlan,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';

/** What the billing suites start with: gateway, workspace and billing with their emulator, and one engagement. */
export interface BillingWorld {
  platform: RunningPlatform;
  /** The SDK pointed at the platform's Stripe emulator, to look at what billing made there. */
  stripe: Stripe;
  /** Billing's database on the system role, to count rows. */
  billingDb: DataSource;
  /** For calling billing's RPCs as the gateway would. */
  rpc: RpcClient;
  /** The freelancer (account owner), onboarded to Connect unless asked otherwise. */
  owner: SignedUpUser;
  /** The workspace's client admin. */
  client: SignedUpUser;
  workspaceId: string;
  close(): Promise<void>;
}

export async function startBillingWorld(options: {
  ownerName: string;
  /** false: leave the freelancer without a Connect account. */
  onboard?: boolean;
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  clock?: Clock;
}): Promise<BillingWorld> {
  const platform = await startPlatform({ services: ['gateway', 'workspace', 'billing'], env: options.env, clock: options.clock });
  const emulator = platform.stripe!.emulator;
  const stripe = new Stripe(emulator.apiKey, emulator.stripeConfig);
  const billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
  const rpc = new RpcClient({ url: platform.amqpUrl, timeoutMs: 20_000 });
  const owner = await signUp(platform.gatewayUrl, options.ownerName);
  if (options.onboard !== false) await onboardToConnect(platform.gatewayUrl, owner);
  // Money stories are not about plan limits (test/entitlements is): no free-plan ceiling on proposals.
  await grantPlan(platform, owner.accountId, 'enterprise', ['workspace']);
  const workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
  const client = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
  return {
    platform,
    stripe,
    billingDb,
    rpc,
    owner,
    client,
    workspaceId,
    async close() {
      await rpc.close();
      await billingDb.destroy();
      await platform.close();
    },
  };
}

/** Funds as the gateway would and expects the Checkout page (no approval chain in these worlds). */
export async function fundCheckout(rpc: RpcClient, workspaceId: string, milestoneId: string, ctx: RpcContext): Promise<FundingView> {
  const answer = await rpc.call(BillingPaymentsRpc.fund, { workspaceId, milestoneId }, ctx);
  if ('approvalRequest' in answer) throw new Error(`funding ${milestoneId} waits for approval request ${answer.approvalRequest.id}`);
  return answer;
}
