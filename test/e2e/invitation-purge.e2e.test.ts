import request from 'supertest';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { MessagingHousekeeping } from '@fpms/messaging/nest/messaging-housekeeping';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  MutableClock,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
} from '@fpms/harness';
import { InvitationPurgeRepository } from '../../apps/workspace/src/housekeeping/invitation-purge.repository';
import { InvitationPurger } from '../../apps/workspace/src/housekeeping/invitation-purger';

const DAY = 86_400_000;

/**
 * Invitations that ended (expired, revoked, or used up and then expired) are deleted 30
 * days after they ended; usable ones never. Real workspace service and database, with the
 * workspace's clock moved by the test.
 */
describe('invitation purge', () => {
  const clock = new MutableClock();
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let owner: SignedUpUser;
  let workspaceId: string;
  let db: DataSource;

  const invite = async (body: object): Promise<{ id: string; token: string }> => {
    const res = await api.post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(owner.token)).send(body);
    expect(res.status).toBe(201);
    return res.body;
  };
  const remaining = async (): Promise<string[]> =>
    (await db.query(`select id from workspace_invitations where workspace_id = $1 order by id`, [workspaceId])).map(
      (r: { id: string }) => r.id,
    );

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], clock });
    api = request(platform.gatewayUrl);
    owner = await signUp(platform.gatewayUrl, 'Owner');
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
    db = await connectServiceDb('workspace', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await platform?.close();
  });

  it('purges ended invitations after the retention window and keeps usable ones', async () => {
    const active = await invite({ role: 'collaborator', expiresInHours: 48 });
    const revoked = await invite({ role: 'collaborator', expiresInHours: 48 });
    expect((await api.delete(`/api/v1/workspaces/${workspaceId}/invitations/${revoked.id}`).set(bearer(owner.token))).status).toBe(200);
    const usedUp = await invite({ role: 'collaborator', expiresInHours: 48, maxUses: 1 });
    const joiner = await signUp(platform.gatewayUrl, 'Joiner');
    expect((await api.post(`/api/v1/invitations/${usedUp.token}/accept`).set(bearer(joiner.token)).send()).status).toBe(201);
    const shortLived = await invite({ role: 'collaborator', expiresInHours: 1 });
    const purger = platform.apps.workspace!.get(InvitationPurger, { strict: false });

    // A day on: the short-lived one has expired, but only just. Nothing goes.
    clock.advanceDays(1);
    expect(await purger.runOnce()).toBe(0);

    // 30 days and a bit after it expired (and after the revocation): those two go; the
    // used-up one expired later (48 h) and stays, as does the (now expired) active one.
    clock.advance(30 * DAY);
    expect(await purger.runOnce()).toBe(2);
    expect(await remaining()).toEqual([active.id, usedUp.id].sort());
    expect(await remaining()).not.toContain(shortLived.id);
    const list = await api.get(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(owner.token));
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id).sort()).toEqual([active.id, usedUp.id].sort());
    // Membership gained through a purged invitation is untouched.
    const members = await api.get(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(owner.token));
    expect(members.body.items.map((m: { userId: string }) => m.userId)).toContain(joiner.userId);

    // Past both of their expiries + 30 days: two replicas purge at once, each row goes once.
    clock.advanceDays(2);
    const app = platform.apps.workspace!;
    const second = new InvitationPurger(
      app.get(getDataSourceToken(SYSTEM_DATA_SOURCE), { strict: false }),
      app.get(InvitationPurgeRepository, { strict: false }),
      clock,
      { intervalMs: 0, retentionMs: 30 * DAY },
    );
    const [a, b] = await Promise.all([purger.runOnce(), second.runOnce()]);
    expect(a + b).toBe(2);
    expect(await remaining()).toEqual([]);

    // The service's own outbox housekeeping reads the same clock: a month on, the events
    // this test caused (workspace created, members added…) were sent long ago and go.
    const sent = Number((await db.query(`select count(*)::int as n from outbox_messages where sent_at is not null`))[0].n);
    expect(sent).toBeGreaterThan(0);
    const swept = await app.get(MessagingHousekeeping, { strict: false }).runOnce();
    expect(swept.outbox).toBeGreaterThanOrEqual(sent);
    expect(Number((await db.query(`select count(*)::int as n from outbox_messages where sent_at is not null`))[0].n)).toBe(0);
  });
});
