import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, connectServiceDb, createWorkspace, inviteAndJoin, RunningPlatform, signUp, startPlatform } from '@fpms/harness';

describe('workspace members', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    api = request(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('changes a role and records before/after', async () => {
    const owner = await signUp(platform.gatewayUrl);
    const { id } = await createWorkspace(platform.gatewayUrl, owner);
    const client = await inviteAndJoin(platform.gatewayUrl, owner, id, 'client_admin');
    const viewer = await inviteAndJoin(platform.gatewayUrl, client, id, 'client_viewer');
    expect((await api.get(`/api/v1/workspaces/${id}/invitations`).set(bearer(viewer.token))).status).toBe(403);

    const changed = await api
      .patch(`/api/v1/workspaces/${id}/members/${viewer.userId}`)
      .set(bearer(client.token))
      .send({ role: 'client_admin' });
    expect(changed.status).toBe(200);
    expect(changed.body.role).toBe('client_admin');
    const [latest] = (await api.get(`/api/v1/workspaces/${id}/activity?limit=1`).set(bearer(owner.token))).body.items;
    expect(latest).toMatchObject({
      action: 'member.role_changed',
      actorUserId: client.userId,
      targetId: viewer.userId,
      before: { role: 'client_viewer' },
      after: { role: 'client_admin' },
    });
  });

  it('removal takes effect at once for reads and writes, with the same token', async () => {
    const owner = await signUp(platform.gatewayUrl);
    const { id } = await createWorkspace(platform.gatewayUrl, owner);
    const collaborator = await inviteAndJoin(platform.gatewayUrl, owner, id, 'collaborator');
    expect((await api.get(`/api/v1/workspaces/${id}`).set(bearer(collaborator.token))).status).toBe(200);

    expect((await api.delete(`/api/v1/workspaces/${id}/members/${collaborator.userId}`).set(bearer(owner.token))).status).toBe(204);
    const read = await api.get(`/api/v1/workspaces/${id}`).set(bearer(collaborator.token));
    expect(read.status).toBe(404);
    const list = await api.get('/api/v1/workspaces').set(bearer(collaborator.token));
    expect(list.body.items).toEqual([]);
    const write = await api.get(`/api/v1/workspaces/${id}/members`).set(bearer(collaborator.token));
    expect(write.status).toBe(404);
  });

  it('never changes or removes the owner', async () => {
    const owner = await signUp(platform.gatewayUrl);
    const { id } = await createWorkspace(platform.gatewayUrl, owner);
    const remove = await api.delete(`/api/v1/workspaces/${id}/members/${owner.userId}`).set(bearer(owner.token));
    expect(remove.status).toBe(409);
    expect(remove.body.error.code).toBe('owner_is_permanent');
    const demote = await api
      .patch(`/api/v1/workspaces/${id}/members/${owner.userId}`)
      .set(bearer(owner.token))
      .send({ role: 'collaborator' });
    expect(demote.status).toBe(409);
    const missing = await api
      .delete(`/api/v1/workspaces/${id}/members/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)
      .set(bearer(owner.token));
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('member_not_found');
  });

  it('keeps the activity log append-only, even for the service’s own roles', async () => {
    for (const role of ['app', 'system'] as const) {
      const db: DataSource = await connectServiceDb('workspace', role, platform.dbPrefix);
      try {
        await expect(db.query(`update activity_log set action = 'forged'`)).rejects.toThrow(/permission denied|append-only/);
        await expect(db.query(`delete from activity_log`)).rejects.toThrow(/permission denied|append-only/);
        // The erasure's redaction flag opens nothing by itself: UPDATE is not granted to either role.
        await expect(
          db.transaction(async (m) => {
            await m.query(`select set_config('fpms.activity_redaction', 'on', true)`);
            await m.query(`update activity_log set action = 'forged'`);
          }),
        ).rejects.toThrow(/permission denied/);
      } finally {
        await db.destroy();
      }
    }
  });

  it('lets only the system role redact an erased address from the activity log, through the one function', async () => {
    const app: DataSource = await connectServiceDb('workspace', 'app', platform.dbPrefix);
    try {
      await expect(app.query(`select redact_activity_address($1, 'a@example.test', 'b@erased.invalid')`, [randomUUID()])).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await app.destroy();
    }
  });

  it('shows /me with accounts and memberships', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Me Myself');
    const { id } = await createWorkspace(platform.gatewayUrl, owner);
    const other = await signUp(platform.gatewayUrl);
    const otherWs = await createWorkspace(platform.gatewayUrl, other);
    await inviteAndJoin(platform.gatewayUrl, other, otherWs.id, 'client_admin', owner);
    const me = await api.get('/api/v1/me').set(bearer(owner.token));
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: owner.userId, email: owner.email, name: 'Me Myself', isPlatformAdmin: false });
    expect(me.body.accounts).toEqual([
      { accountId: owner.accountId, role: 'owner', plan: 'free', standing: 'active', pastDueSince: null, locksAt: null },
    ]);
    expect(me.body.workspaces.map((w: { id: string; role: string }) => [w.id, w.role]).sort()).toEqual(
      [
        [id, 'owner'],
        [otherWs.id, 'client_admin'],
      ].sort(),
    );
  });
});
