import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { createWorkspace, inviteAndJoin, RunningPlatform, signUp, SignedUpUser, startPlatform } from '@fpms/harness';
import { ConnectAccountsRepository } from '../../apps/billing/src/connect/connect-accounts.repository';
import { ConnectDriver, connectState, onlyStripeAccount, startOnboarding } from '../billing/connect-support';

/**
 * Connect state is the account's own: `/billing/connect` names no id, it acts for the
 * caller's own account (the token's), so there is nothing of another tenant to ask for.
 * These cases prove that every other kind of user — another tenant's owner, the tenant's own
 * collaborators and clients (who own other accounts, or none) — sees only their own state,
 * creates only their own connected account, and leaves tenant A's untouched; and that below
 * the API, RLS hides A's row from a transaction of B.
 */
describe('tenant isolation of Connect onboarding (GET /billing/connect, POST /billing/connect/onboarding)', () => {
  let platform: RunningPlatform;
  let driver: ConnectDriver;
  let ownerA: SignedUpUser;
  let stripeAccountA: string;
  const others = {} as Record<'ownerB' | 'collaboratorOfA' | 'clientAdminOfA', SignedUpUser>;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace', 'billing'] });
    driver = new ConnectDriver(platform);
    ownerA = await signUp(platform.gatewayUrl, 'Owner A');
    const workspaceA = await createWorkspace(platform.gatewayUrl, ownerA, 'Tenant A engagement');
    others.ownerB = await signUp(platform.gatewayUrl, 'Owner B');
    // inviteAndJoin signs its joiners up as freelancers: each owns an account of their own, not A's.
    others.collaboratorOfA = await inviteAndJoin(platform.gatewayUrl, ownerA, workspaceA.id, 'collaborator');
    others.clientAdminOfA = await inviteAndJoin(platform.gatewayUrl, ownerA, workspaceA.id, 'client_admin');
    const onboarding = await startOnboarding(platform.gatewayUrl, ownerA);
    expect(onboarding.status).toBe(200);
    stripeAccountA = await onlyStripeAccount(driver, ownerA);
    await driver.deliver(await driver.setOnboarding(stripeAccountA, 'complete'));
  });

  afterAll(async () => {
    await platform?.close();
  });

  it("answers everyone else their own state, never A's, and their onboarding never touches A's connected account", async () => {
    const before = (await connectState(platform.gatewayUrl, ownerA)).body;
    expect(before).toMatchObject({ status: 'enabled', payoutsEnabled: true });

    for (const [who, user] of Object.entries(others)) {
      const own = await connectState(platform.gatewayUrl, user);
      expect([who, own.status, own.body.status]).toEqual([who, 200, 'not_started']);
      const onboarding = await startOnboarding(platform.gatewayUrl, user);
      expect([who, onboarding.status]).toEqual([who, 200]);
      const theirs = await onlyStripeAccount(driver, user);
      expect(theirs).not.toBe(stripeAccountA);
      expect((await connectState(platform.gatewayUrl, user)).body.status).toBe('pending');
    }

    expect((await connectState(platform.gatewayUrl, ownerA)).body).toEqual(before);
    expect((await driver.stripeAccountsOf(ownerA.accountId)).map((a) => a.id)).toEqual([stripeAccountA]);
  });

  it("does not let an event of B's connected account change A's state", async () => {
    const before = (await connectState(platform.gatewayUrl, ownerA)).body;
    const stripeAccountB = await onlyStripeAccount(driver, others.ownerB);
    await driver.deliver(await driver.setOnboarding(stripeAccountB, 'restricted'));
    expect((await connectState(platform.gatewayUrl, ownerA)).body).toEqual(before);
  });

  it("hides A's row from B's tenant transaction (RLS), whatever id the repository is asked for", async () => {
    const billing = platform.apps.billing!;
    const tx = billing.get(TenantTransactions);
    const repository = billing.get(ConnectAccountsRepository);
    expect(await tx.run({ accountId: others.ownerB.accountId }, (m) => repository.find(m, ownerA.accountId))).toBeNull();
    expect(await tx.run({ accountId: ownerA.accountId }, (m) => repository.find(m, ownerA.accountId))).toMatchObject({
      stripeAccountId: stripeAccountA,
      status: 'enabled',
    });
  });
});
