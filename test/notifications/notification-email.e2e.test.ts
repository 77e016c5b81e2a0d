import { randomUUID } from 'node:crypto';
import { signUnsubscribeToken } from '@fpms/contracts';
import { bearer, eventually } from '@fpms/harness';
import { DataSource } from 'typeorm';
import { systemTransaction } from '@fpms/database/tenant-manager';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { getDataSourceToken } from '@nestjs/typeorm';
import { EmailOutbox } from '../../apps/messaging/src/email/email-outbox';
import { headerText } from './smtp-sink';
import { milestoneEvent, notificationsOf, NotificationWorld, startNotificationWorld } from './notification-world';

const MINUTE = 60_000;
const SECRET = 'fpms-local-unsubscribe-secret';

describe('notification email: dedup window, digests at local morning, unsubscribe', () => {
  let world: NotificationWorld;

  beforeAll(async () => {
    // 12:00 UTC: 21:00 in Tokyo, before the Tokyo user's 08:00 digest.
    world = await startNotificationWorld({ start: '2026-03-10T12:00:00Z', replicas: 2 });
  }, 240_000);

  afterAll(async () => {
    await world?.close();
  }, 60_000);

  it('turns a burst of 20 events about one milestone into one email per recipient, with text and escaped HTML parts and RFC 8058 headers', async () => {
    const { a } = world;
    const milestoneId = randomUUID();
    const title = '<b>Tom & "Jerry"</b>';
    for (let i = 0; i < 20; i++) {
      const event = milestoneEvent(a, 'workspace.milestone.submitted', milestoneId, {
        actorUserId: a.collaborator.userId,
        title,
        version: i + 1,
      });
      await world.publish(event);
      if (i === 19) await world.processed(event.id);
    }
    await eventually('20 notifications for the client admin', async () => (await notificationsOf(world, a.clientAdmin)).unreadCount >= 20);

    // Within the window nothing is sent: the burst is still being gathered.
    await world.runEmailWorker();
    expect(world.smtp.to(a.clientAdmin.email)).toHaveLength(0);

    world.clock.advance(10 * MINUTE);
    await world.runEmailWorker();
    await world.runEmailWorker(1);
    const mails = world.smtp.to(a.clientAdmin.email);
    expect(mails).toHaveLength(1);
    expect(world.smtp.to(a.clientViewer.email)).toHaveLength(1);
    // The freelancer side is not the audience of a submission.
    expect(world.smtp.to(a.collaborator.email)).toHaveLength(0);
    expect(world.smtp.to(a.owner.email)).toHaveLength(0);

    const [mail] = mails;
    expect(mail.subject).toContain('(and 19 more updates)');
    expect((mail.text ?? '').match(/^- Milestone "<b>Tom & "Jerry"<\/b>" was submitted for review$/gm)).toHaveLength(20);
    const html = String(mail.html);
    expect(html).toContain('&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;');
    expect(html).not.toContain('<b>Tom');

    const listUnsubscribe = headerText(mail, 'list-unsubscribe');
    expect(listUnsubscribe).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/api\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>$/);
    expect(headerText(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // One-click (RFC 8058): the mail client POSTs `List-Unsubscribe=One-Click` to the URL, no login.
    const token = listUnsubscribe.slice(listUnsubscribe.lastIndexOf('/') + 1, -1);
    const res = await world.api().post(`/api/v1/unsubscribe/${token}`).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ unsubscribed: true, scope: 'milestone.submitted' });
    await eventually('submissions no longer emailed to the client admin', async () => {
      const prefs = await world.api().get('/api/v1/me/notification-preferences').set(bearer(a.clientAdmin.token));
      const submitted = prefs.body.types.find((t: { type: string }) => t.type === 'milestone.submitted');
      return submitted.channel === 'in_app' && !submitted.isDefault;
    });

    // The next submission reaches the client admin in the app only; the viewer still by email.
    const next = milestoneEvent(a, 'workspace.milestone.submitted', randomUUID(), { actorUserId: a.collaborator.userId });
    await world.publish(next);
    await world.processed(next.id);
    world.clock.advance(11 * MINUTE);
    await world.runEmailWorker();
    expect(world.smtp.to(a.clientAdmin.email)).toHaveLength(1);
    expect(world.smtp.to(a.clientViewer.email)).toHaveLength(2);
    const unread = await notificationsOf(world, a.clientAdmin, '?unread=true');
    expect(unread.items.filter((n) => n.type === 'milestone.submitted')).toHaveLength(21);
  });

  it('GET shows a confirmation page and changes nothing; POST unsubscribes from all email; forged tokens → 404', async () => {
    const { a } = world;
    const token = signUnsubscribeToken({ userId: a.owner.userId, scope: 'all' }, SECRET);
    const page = await world.api().get(`/api/v1/unsubscribe/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('<form method="post"');
    await new Promise((r) => setTimeout(r, 500));
    const before = await world.api().get('/api/v1/me/notification-preferences').set(bearer(a.owner.token));
    expect(before.body.emailEnabled).toBe(true);

    const post = await world.api().post(`/api/v1/unsubscribe/${token}`);
    expect(post.status).toBe(200);
    await eventually('all email off for the owner', async () => {
      const prefs = await world.api().get('/api/v1/me/notification-preferences').set(bearer(a.owner.token));
      return prefs.body.emailEnabled === false;
    });

    const forged = signUnsubscribeToken({ userId: a.clientViewer.userId, scope: 'all' }, 'not-the-platform-secret');
    const [payload, signature] = token.split('.');
    const tampered = `${Buffer.from(JSON.stringify({ u: a.clientViewer.userId, s: 'all' })).toString('base64url')}.${signature}`;
    for (const bad of [forged, tampered, `${payload}.`, 'garbage', 'a.b.c']) {
      for (const method of ['get', 'post'] as const) {
        const res = await world.api()[method](`/api/v1/unsubscribe/${bad}`);
        expect([bad, method, res.status, res.body?.error?.code]).toEqual([bad, method, 404, 'unsubscribe_link_invalid']);
      }
    }
    const viewer = await world.api().get('/api/v1/me/notification-preferences').set(bearer(a.clientViewer.token));
    expect(viewer.body.emailEnabled).toBe(true);
  });

  it('sends a digest of the day at the user’s local morning in their time zone, and not before', async () => {
    const { b } = world;
    const put = await world
      .api()
      .put('/api/v1/me/notification-preferences')
      .set(bearer(b.clientAdmin.token))
      .send({ timeZone: 'Asia/Tokyo', digestHour: 8, types: [{ type: 'milestone.submitted', channel: 'email', delivery: 'digest' }] });
    expect(put.status).toBe(200);
    world.clock.set(new Date('2026-03-10T12:00:00Z'));

    const titles = ['Wireframes', 'Copy deck', 'Launch'];
    for (const title of titles) {
      const event = milestoneEvent(b, 'workspace.milestone.submitted', randomUUID(), { actorUserId: b.collaborator.userId, title });
      await world.publish(event);
      await world.processed(event.id);
    }
    // Evening in Tokyo (21:00), then 07:59 the next morning: not yet.
    for (const at of ['2026-03-10T12:30:00Z', '2026-03-10T22:59:00Z']) {
      world.clock.set(new Date(at));
      await world.runDigest();
      await world.runEmailWorker();
      expect([at, world.smtp.to(b.clientAdmin.email).length]).toEqual([at, 0]);
    }
    // 23:00 UTC = 08:00 on 11 March in Tokyo: one digest with the day's three items.
    world.clock.set(new Date('2026-03-10T23:00:00Z'));
    await Promise.all([world.runDigest(0), world.runDigest(1)]);
    await world.runEmailWorker();
    const digests = world.smtp.to(b.clientAdmin.email);
    expect(digests).toHaveLength(1);
    expect(digests[0].subject).toBe('Your FPMS digest for 2026-03-11: 3 updates');
    for (const title of titles) expect(digests[0].text).toContain(`Milestone "${title}" was submitted for review`);
    expect(headerText(digests[0], 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // The viewer (UTC, immediate by default) got their own emails, not a digest.
    expect(world.smtp.to(b.clientViewer.email).every((m) => !m.subject?.startsWith('Your FPMS digest'))).toBe(true);

    // Later the same morning nothing more goes out.
    world.clock.set(new Date('2026-03-11T02:00:00Z'));
    await world.runDigest();
    await world.runEmailWorker();
    expect(world.smtp.to(b.clientAdmin.email)).toHaveLength(1);
  });

  it('sends nothing, in the app or by email, for a type the user turned off', async () => {
    const { b } = world;
    const put = await world
      .api()
      .put('/api/v1/me/notification-preferences')
      .set(bearer(b.owner.token))
      .send({ types: [{ type: 'milestone.accepted', channel: 'off' }] });
    expect(put.status).toBe(200);
    const sentBefore = world.smtp.to(b.owner.email).length;
    const off = milestoneEvent(b, 'workspace.milestone.accepted', randomUUID(), { actorUserId: b.clientAdmin.userId });
    const on = milestoneEvent(b, 'workspace.milestone.declined', randomUUID(), { actorUserId: b.clientAdmin.userId });
    await world.publish(off);
    await world.publish(on);
    await world.processed(on.id);
    world.clock.advance(11 * MINUTE);
    await world.runEmailWorker();
    const rows = await world.db.query(`select type, user_id from notifications where source_event_id = any($1)`, [[off.id, on.id]]);
    expect(rows.filter((r: { user_id: string }) => r.user_id === b.owner.userId).map((r: { type: string }) => r.type)).toEqual([
      'milestone.declined',
    ]);
    // The collaborator kept the defaults: both.
    expect(rows.filter((r: { user_id: string }) => r.user_id === b.collaborator.userId)).toHaveLength(2);
    const owner = world.smtp.to(b.owner.email).slice(sentBefore);
    expect(owner.map((m) => m.subject)).toEqual(['Milestone "Landing page" was declined']);
  });

  it('never sends one email twice when two workers run at once', async () => {
    const { a } = world;
    const before = world.smtp.messages.length;
    // 15 separate milestones: 15 emails each for the client viewer (no merging across subjects).
    let last = '';
    for (let i = 0; i < 15; i++) {
      const event = milestoneEvent(a, 'workspace.milestone.submitted', randomUUID(), {
        actorUserId: a.collaborator.userId,
        title: `M${i}`,
      });
      await world.publish(event);
      last = event.id;
    }
    await world.processed(last);
    world.clock.advance(11 * MINUTE);
    await Promise.all([world.runEmailWorker(0), world.runEmailWorker(1), world.runEmailWorker(0), world.runEmailWorker(1)]);
    const fresh = world.smtp.messages.slice(before);
    const ids = fresh.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    // Client admin (in-app only for submissions now) gets none; the viewer one per milestone.
    expect(world.smtp.to(a.clientViewer.email).filter((m) => /^Milestone "M\d+"/.test(m.subject ?? ''))).toHaveLength(15);
    const [{ n }] = await world.db.query(`select count(*)::int as n from email_outbox where status <> 'sent'`);
    expect(n).toBe(0);
  });

  it('retries a refused email with backoff and keeps one the server rejects for good (the outbox API other features use)', async () => {
    const app = world.messaging[0].apps.messaging!;
    const outbox = app.get(EmailOutbox);
    const system = app.get<DataSource>(getDataSourceToken(SYSTEM_DATA_SOURCE));
    const data = { recipientName: 'Ops', items: [{ type: 'test', headline: 'Hello', createdAt: new Date().toISOString() }] };
    const [flaky, rejected] = await systemTransaction(system, async (m) => [
      await outbox.enqueue(m, { to: { address: 'ops@flaky.test' }, templateId: 'notification', data }),
      await outbox.enqueue(m, { to: { address: 'ops@reject.test' }, templateId: 'notification', data }),
    ]);
    await world.runEmailWorker();
    const status = async (id: string) =>
      (await world.db.query(`select status, attempts, last_error from email_outbox where id = $1`, [id]))[0];
    expect(await status(flaky)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(await status(rejected)).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await status(rejected)).last_error).toMatch(/mailbox unavailable/);
    expect(world.smtp.to('ops@flaky.test')).toHaveLength(0);

    world.clock.advance(1_000);
    await world.runEmailWorker();
    expect(await status(flaky)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(world.smtp.to('ops@flaky.test')).toHaveLength(1);
    // A failed email stays failed (kept for operators), never retried.
    await world.runEmailWorker();
    expect(await status(rejected)).toMatchObject({ status: 'failed' });
    expect(world.smtp.to('ops@reject.test')).toHaveLength(0);
  });
});
