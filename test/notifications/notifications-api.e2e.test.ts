import { randomUUID } from 'node:crypto';
import { bearer } from '@fpms/harness';
import { milestoneEvent, notificationsOf, NotificationWorld, startNotificationWorld } from './notification-world';

describe('GET/POST /me/notifications and /me/notification-preferences', () => {
  let world: NotificationWorld;

  beforeAll(async () => {
    world = await startNotificationWorld();
    const { a } = world;
    // Five proposals in A: the client admin and the client viewer get five each.
    for (let i = 0; i < 5; i++) {
      const event = milestoneEvent(a, 'workspace.milestone.proposed', randomUUID(), {
        actorUserId: a.owner.userId,
        title: `Proposal ${i}`,
      });
      await world.publish(event);
      await world.processed(event.id);
    }
  }, 240_000);

  afterAll(async () => {
    await world?.close();
  }, 60_000);

  it('pages the caller’s own notifications newest first, with the unread count', async () => {
    const first = await notificationsOf(world, world.a.clientAdmin, '?limit=2');
    expect(first.items.map((n) => n.headline)).toEqual(['Milestone "Proposal 4" was proposed', 'Milestone "Proposal 3" was proposed']);
    // Five proposals, and the client viewer's joining (the client admin invited them).
    expect(first.unreadCount).toBe(6);
    const second = await notificationsOf(world, world.a.clientAdmin, `?limit=2&before=${first.nextBefore}`);
    expect(second.items.map((n) => n.headline)).toEqual(['Milestone "Proposal 2" was proposed', 'Milestone "Proposal 1" was proposed']);
    const last = await notificationsOf(world, world.a.clientAdmin, `?limit=2&before=${second.nextBefore}`);
    expect(last.items.map((n) => n.type)).toEqual(['milestone.proposed', 'member.joined']);
    expect(last.nextBefore).toBeNull();
    // The owner proposed them: nothing for the owner, and nothing for another tenant.
    expect((await notificationsOf(world, world.a.owner)).items.filter((n) => n.type === 'milestone.proposed')).toEqual([]);
    expect((await notificationsOf(world, world.b.clientAdmin)).items.filter((n) => n.type === 'milestone.proposed')).toEqual([]);
  });

  it('marks one read, then all; someone else’s notification is 404 and stays unread', async () => {
    const { a, b } = world;
    const [newest] = (await notificationsOf(world, a.clientAdmin)).items;
    const viewerNewest = (await notificationsOf(world, a.clientViewer)).items[0];

    // Another user — of the same workspace or another tenant — cannot mark (or learn of) it.
    for (const other of [a.clientViewer, b.clientAdmin, a.owner]) {
      const res = await world.api().post(`/api/v1/me/notifications/${newest.id}/read`).set(bearer(other.token));
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('notification_not_found');
    }
    expect((await notificationsOf(world, a.clientAdmin)).unreadCount).toBe(6);

    const read = await world.api().post(`/api/v1/me/notifications/${newest.id}/read`).set(bearer(a.clientAdmin.token));
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: newest.id, readAt: expect.any(String) });
    const after = await notificationsOf(world, a.clientAdmin);
    expect(after.unreadCount).toBe(5);
    expect((await notificationsOf(world, a.clientAdmin, '?unread=true')).items.map((n) => n.id)).not.toContain(newest.id);

    const all = await world.api().post('/api/v1/me/notifications/read-all').set(bearer(a.clientAdmin.token));
    expect(all.status).toBe(200);
    expect(all.body).toEqual({ marked: 5 });
    expect((await notificationsOf(world, a.clientAdmin)).unreadCount).toBe(0);
    // read-all is the caller's own: the viewer's stay unread.
    const viewer = await notificationsOf(world, a.clientViewer);
    expect(viewer.unreadCount).toBe(5);
    expect(viewer.items[0]).toMatchObject({ id: viewerNewest.id, readAt: null });
  });

  it('answers and saves preferences per type, defaults included', async () => {
    const { b } = world;
    const defaults = await world.api().get('/api/v1/me/notification-preferences').set(bearer(b.collaborator.token));
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ timeZone: 'UTC', digestHour: 8, emailEnabled: true });
    expect(defaults.body.types.length).toBeGreaterThanOrEqual(25);
    expect(defaults.body.types.find((t: { type: string }) => t.type === 'milestone.funded')).toEqual({
      type: 'milestone.funded',
      channel: 'email',
      delivery: 'immediate',
      isDefault: true,
    });
    const put = await world
      .api()
      .put('/api/v1/me/notification-preferences')
      .set(bearer(b.collaborator.token))
      .send({ timeZone: 'America/New_York', digestHour: 7, types: [{ type: 'file.shared', channel: 'email', delivery: 'digest' }] });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ timeZone: 'America/New_York', digestHour: 7 });
    expect(put.body.types.find((t: { type: string }) => t.type === 'file.shared')).toEqual({
      type: 'file.shared',
      channel: 'email',
      delivery: 'digest',
      isDefault: false,
    });
    // Another user's preferences are untouched.
    const other = await world.api().get('/api/v1/me/notification-preferences').set(bearer(b.owner.token));
    expect(other.body.timeZone).toBe('UTC');
    expect(other.body.types.find((t: { type: string }) => t.type === 'file.shared').isDefault).toBe(true);
  });

  it('refuses bad input with 400 and malformed ids with 404; no token → 401', async () => {
    const token = bearer(world.a.clientAdmin.token);
    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?before=xyz', '?unread=maybe']) {
      const res = await world.api().get(`/api/v1/me/notifications${query}`).set(token);
      expect([query, res.status, res.body.error?.code]).toEqual([query, 400, expect.any(String)]);
    }
    const bodies: unknown[] = [
      { timeZone: 'Mars/Olympus' },
      { digestHour: 24 },
      { digestHour: 'eight' },
      { emailEnabled: 'no' },
      { types: [{ type: 'no.such.type', channel: 'email' }] },
      { types: [{ type: 'file.shared', channel: 'sms' }] },
      { types: [{ type: 'file.shared', channel: 'email', delivery: 'weekly' }] },
      { types: 'all' },
    ];
    for (const body of bodies) {
      const res = await world
        .api()
        .put('/api/v1/me/notification-preferences')
        .set(token)
        .send(body as object);
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.body.error).toMatchObject({ code: expect.any(String), requestId: expect.any(String) });
    }
    for (const id of ['abc', '-1', '1.5', '99999999999999999999']) {
      const res = await world.api().post(`/api/v1/me/notifications/${id}/read`).set(token);
      expect([id, res.status]).toEqual([id, 404]);
    }
    const missing = await world.api().post('/api/v1/me/notifications/999999999/read').set(token);
    expect(missing.status).toBe(404);
    for (const [method, path] of [
      ['get', '/api/v1/me/notifications'],
      ['post', '/api/v1/me/notifications/read-all'],
      ['post', '/api/v1/me/notifications/1/read'],
      ['get', '/api/v1/me/notification-preferences'],
      ['put', '/api/v1/me/notification-preferences'],
    ] as const) {
      expect([path, (await world.api()[method](path)).status]).toEqual([path, 401]);
    }
  });
});
