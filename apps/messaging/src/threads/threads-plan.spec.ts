import { DEFAULT_ENTITLEMENTS, Entitlements, PLAN_FEATURE_SETS, PLAN_LIMITS, PlanId } from '@fpms/contracts';
import type { VerifiedRpc } from '@fpms/messaging';
import type { EntitlementsReader } from '@fpms/platform/entitlements';
import type { MessagingEnv } from '../config';
import type { ReadStateRepository } from '../read-state/read-state.repository';
import type { MessageEvents } from './message-events';
import type { ThreadAccess, ThreadGrant } from './thread-access';
import type { ThreadsRepository } from './threads.repository';
import { WorkspaceMembersRepository } from '../members/workspace-members.repository';
import { ThreadsService } from './threads.service';

const ACCOUNT = '00000000-0000-4000-8000-00000000000a';
const WORKSPACE = '00000000-0000-4000-8000-00000000000b';
const THREAD = '00000000-0000-4000-8000-00000000000c';

const on = (plan: PlanId, standing: Entitlements['standing'] = 'active'): Entitlements => ({
  ...DEFAULT_ENTITLEMENTS,
  plan,
  standing,
  limits: PLAN_LIMITS[plan],
  features: [...PLAN_FEATURE_SETS[plan]],
  version: 1,
});

/** Posting against the workspace account's plan, with everything but the plan check stubbed. */
function world(entitlements: Entitlements, role: ThreadGrant['role']) {
  const grant: ThreadGrant = {
    accountId: ACCOUNT,
    workspaceId: WORKSPACE,
    role,
    seesInternal: role === 'owner' || role === 'collaborator',
  };
  const manager = {};
  const access = {
    authorize: jest.fn(async () => grant),
    attachments: jest.fn(async () => []),
    inTenant: jest.fn((_caller: unknown, _grant: unknown, work: (m: unknown) => Promise<unknown>) => work(manager)),
  };
  const threads = { nextSeq: jest.fn(async () => 1), insertMessage: jest.fn(async () => undefined) };
  const reads = { adjustForMessage: jest.fn(async () => undefined), lock: jest.fn(async () => null) };
  const events = { message: jest.fn(async () => undefined) };
  const members = { currentMembers: jest.fn(async () => new Set<string>()) };
  const reader = { forAccount: jest.fn(async () => entitlements) };
  const service = new ThreadsService(
    access as unknown as ThreadAccess,
    threads as unknown as ThreadsRepository,
    reads as unknown as ReadStateRepository,
    events as unknown as MessageEvents,
    members as unknown as WorkspaceMembersRepository,
    reader as unknown as EntitlementsReader,
    { now: () => new Date('2026-12-01T10:00:00Z') },
    {} as MessagingEnv,
  );
  const caller = { userId: 'u1', accountId: ACCOUNT, requestId: 'r1', token: 't' } as unknown as VerifiedRpc<unknown>;
  const post = (internal = false) => service.post(caller, { workspaceId: WORKSPACE, threadId: THREAD, text: 'hello', internal });
  return { post, threads, reader };
}

describe('ThreadsService: posting follows the workspace account’s plan', () => {
  it('refuses the freelancer side of a locked account before anything is written', async () => {
    for (const role of ['owner', 'collaborator'] as const) {
      const w = world(on('pro', 'locked'), role);
      await expect(w.post()).rejects.toMatchObject({ status: 402, code: 'account_locked' });
      await expect(w.post(true)).rejects.toMatchObject({ status: 402, code: 'account_locked' });
      expect(w.threads.nextSeq).not.toHaveBeenCalled();
      expect(w.threads.insertMessage).not.toHaveBeenCalled();
      expect(w.reader.forAccount).toHaveBeenCalledWith(expect.anything(), ACCOUNT);
    }
  });

  it('lets the client side of a locked account post, and past_due refuses no one', async () => {
    const client = world(on('free', 'locked'), 'client_admin');
    await expect(client.post()).resolves.toMatchObject({ text: 'hello', internal: false });
    expect(client.threads.insertMessage).toHaveBeenCalledTimes(1);
    const pastDue = world(on('free', 'past_due'), 'owner');
    await expect(pastDue.post()).resolves.toMatchObject({ text: 'hello' });
  });

  it('needs internalNotes for an internal note, not for a message', async () => {
    const free = world(on('free'), 'collaborator');
    await expect(free.post(true)).rejects.toMatchObject({
      status: 402,
      code: 'internal_notes_not_in_plan',
      details: { plan: 'free', feature: 'internalNotes', planThatLifts: 'pro' },
    });
    expect(free.threads.insertMessage).not.toHaveBeenCalled();
    await expect(free.post(false)).resolves.toMatchObject({ internal: false });
    await expect(world(on('pro'), 'owner').post(true)).resolves.toMatchObject({ internal: true });
  });
});
