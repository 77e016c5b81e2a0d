import request from 'supertest';
import { DataSource } from 'typeorm';
import { unzipSync, strFromU8 } from 'fflate';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  eventually,
  grantPlan,
  inviteAndJoin,
  MutableClock,
  onboardToConnect,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { FilesJanitor } from '../../apps/files/src/cleanup/files-janitor';
import { ledgerInvariantViolations } from '../billing/ledger-invariants';
import { uploadFile } from '../files/files-fixtures';
import { SmtpSink } from '../notifications/smtp-sink';

/**
 * Issue 18 parts 4 and 5 with every service and real money (the Stripe emulator):
 * POST /api/v1/me/export — a client active in two workspaces of different freelancers gets
 * one ZIP with what every service holds about them (profile, memberships, what they wrote,
 * uploaded and paid) and nothing of anyone else's; the link comes by email and through the
 * API for 7 days, then the archive is gone. DELETE /api/v1/me — the same client's erasure is
 * refused while her payment is in escrow, done once it is released, and afterwards no
 * service's API answers her address or name while the ledger still balances.
 * The tests run in order: the erasure erases the client the export gathered.
 */
describe('personal data with every service running: export, then erasure', () => {
  let s3: TestS3;
  let smtp: SmtpSink;
  let platform: RunningPlatform;
  let filesDb: DataSource;
  let billingDb: DataSource;
  let messagingDb: DataSource;
  /** Carol's payment for Anna's milestone (the export's test pays it; the erasure's test releases it). */
  let paidMilestoneId: string;
  const clock = new MutableClock();
  const api = () => request(platform.gatewayUrl);
  let freelancerA: SignedUpUser;
  let freelancerB: SignedUpUser;
  let carol: SignedUpUser;
  let workspaceA: string;
  let workspaceB: string;

  beforeAll(async () => {
    s3 = await startTestS3();
    smtp = await SmtpSink.start();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'billing', 'messaging'],
      clock,
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }),
        messaging: { SMTP_URL: smtp.url, EMAIL_WORKER_INTERVAL_MS: '100', DIGEST_INTERVAL_MS: '0' },
      },
    });
    filesDb = await connectServiceDb('files', 'system', platform.dbPrefix);
    billingDb = await connectServiceDb('billing', 'system', platform.dbPrefix);
    messagingDb = await connectServiceDb('messaging', 'system', platform.dbPrefix);
    freelancerA = await signUp(platform.gatewayUrl, 'Freelancer Anna');
    freelancerB = await signUp(platform.gatewayUrl, 'Freelancer Ben');
    await onboardToConnect(platform.gatewayUrl, freelancerA);
    await grantPlan(platform, freelancerA.accountId, 'enterprise', ['workspace', 'files', 'messaging']);
    await grantPlan(platform, freelancerB.accountId, 'enterprise', ['workspace', 'files', 'messaging']);
    workspaceA = (await createWorkspace(platform.gatewayUrl, freelancerA, 'Anna builds a shop')).id;
    workspaceB = (await createWorkspace(platform.gatewayUrl, freelancerB, 'Ben writes copy')).id;
    carol = await signUp(platform.gatewayUrl, 'Client Carol');
    await inviteAndJoin(platform.gatewayUrl, freelancerA, workspaceA, 'client_admin', carol);
    await inviteAndJoin(platform.gatewayUrl, freelancerB, workspaceB, 'client_admin', carol);
  }, 240_000);

  afterAll(async () => {
    await filesDb?.destroy();
    await billingDb?.destroy();
    await messagingDb?.destroy();
    await platform?.close();
    await smtp?.close();
    await s3?.close();
  });

  const generalThread = (workspaceId: string, who: SignedUpUser) =>
    eventually(`the general thread of ${workspaceId}`, async () => {
      const res = await api().get(`/api/v1/workspaces/${workspaceId}/threads`).set(bearer(who.token));
      return res.status === 200 ? (res.body.items.find((t: { kind: string }) => t.kind === 'general')?.id as string) : null;
    });
  const post = async (workspaceId: string, who: SignedUpUser, text: string, internal = false) => {
    const thread = await generalThread(workspaceId, who);
    const res = await api()
      .post(`/api/v1/workspaces/${workspaceId}/threads/${thread}/messages`)
      .set(bearer(who.token))
      .send({ text, ...(internal ? { internal } : {}) });
    expect(res.status).toBe(201);
  };

  /** Carol pays a milestone of Anna's through the emulator's Checkout: billing has her payment. */
  async function carolPays(): Promise<string> {
    const base = `/api/v1/workspaces/${workspaceA}/milestones`;
    const id = (await api().post(base).set(bearer(freelancerA.token)).send({ title: 'Shop launch', amount: 42_00, currency: 'EUR' })).body
      .id as string;
    expect((await api().post(`${base}/${id}/propose`).set(bearer(freelancerA.token)).send({})).status).toBe(200);
    expect((await api().post(`${base}/${id}/accept`).set(bearer(carol.token)).send({})).status).toBe(200);
    expect((await api().post(`${base}/${id}/fund`).set(bearer(carol.token)).send({})).status).toBe(200);
    const session = (await api().get(`${base}/${id}/payment`).set(bearer(carol.token))).body.stripe.checkoutSessionId as string;
    await platform.stripe!.emulator.control.completeCheckout(session, { outcome: 'success' });
    await eventually('the milestone funded', async () => {
      const res = await api().get(`${base}/${id}`).set(bearer(carol.token));
      return res.body.status === 'funded';
    });
    return id;
  }

  const daysFromNow = (days: number) => new Date(clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);

  const readyExport = (who: SignedUpUser, id: string) =>
    eventually(
      'the export to be ready',
      async () => {
        const res = await api().get(`/api/v1/me/exports/${id}`).set(bearer(who.token));
        expect(res.status).toBe(200);
        if (res.body.status === 'failed') throw new Error(`export failed: ${JSON.stringify(res.body)}`);
        return res.body.status === 'ready' ? res.body : null;
      },
      { timeoutMs: 60_000 },
    );

  async function download(who: SignedUpUser, id: string): Promise<Record<string, Uint8Array>> {
    const link = await api().get(`/api/v1/me/exports/${id}/download`).set(bearer(who.token));
    expect(link.status).toBe(200);
    const zip = await fetch(link.body.url);
    expect(zip.status).toBe(200);
    return unzipSync(new Uint8Array(await zip.arrayBuffer()));
  }

  it('holds what every service keeps about the user, and nothing of anyone else', async () => {
    await uploadFile(platform.gatewayUrl, carol, workspaceA, 'brief.txt', 'Carol’s brief: a shop for tea');
    await uploadFile(platform.gatewayUrl, freelancerA, workspaceA, 'anna-invoice-notes.txt', 'ANNA PRIVATE BYTES');
    await post(workspaceA, carol, 'Carol here: can we launch in May?');
    await post(workspaceA, freelancerA, 'Anna’s internal note about the margin', true);
    await post(workspaceA, freelancerA, 'Anna replies: May works');
    await post(workspaceB, carol, 'Carol to Ben: headline ideas?');
    await post(workspaceB, freelancerB, 'Ben replies with ideas');
    const milestoneId = (paidMilestoneId = await carolPays());

    // Asked twice at once: one export.
    const [first, second] = await Promise.all([
      api().post('/api/v1/me/export').set(bearer(carol.token)),
      api().post('/api/v1/me/export').set(bearer(carol.token)),
    ]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(second.body.id).toBe(first.body.id);
    const id = first.body.id as string;

    const ready = await readyExport(carol, id);
    expect(ready).toMatchObject({ id, status: 'ready', files: 1, downloadPath: `/api/v1/me/exports/${id}/download` });
    const mail = await eventually('the export email', async () =>
      smtp.to(carol.email).find((m) => /data export is ready/.test(m.subject ?? '')),
    );
    expect(mail.text).toContain(`/account/exports/${id}`);

    const entries = await download(carol, id);
    const json = (name: string) => {
      expect(Object.keys(entries)).toContain(name);
      return JSON.parse(strFromU8(entries[name]));
    };
    expect(json('gateway/profile.json')).toMatchObject({ id: carol.userId, email: carol.email });
    const workspaces = json('workspace/workspaces.json') as Array<{ workspaceId: string; role: string; activity: unknown[] }>;
    expect(workspaces.map((w) => [w.workspaceId, w.role]).sort()).toEqual(
      [
        [workspaceA, 'client_admin'],
        [workspaceB, 'client_admin'],
      ].sort(),
    );
    expect(workspaces.find((w) => w.workspaceId === workspaceA)!.activity.length).toBeGreaterThan(0);
    const messages = json('messaging/messages.json') as Array<{ text: string }>;
    expect(messages.map((m) => m.text).sort()).toEqual(['Carol here: can we launch in May?', 'Carol to Ben: headline ideas?']);
    const payments = json('billing/payments.json') as Array<{ milestoneId: string; amount: string | number; currency: string }>;
    expect(payments).toEqual([expect.objectContaining({ milestoneId, currency: 'EUR' })]);
    expect(Number(payments[0].amount)).toBe(42_00);
    const uploads = json('files/uploads.json') as Array<{ name: string; path: string; included: boolean }>;
    expect(uploads).toEqual([expect.objectContaining({ name: 'brief.txt', included: true })]);
    expect(strFromU8(entries[uploads[0].path])).toBe('Carol’s brief: a shop for tea');

    // Nothing of anyone else's: not their addresses, messages or files' bytes. (Carol's own
    // notifications stay: "File … was shared" is what she was told, and is hers.)
    const everything = Object.values(entries)
      .map((bytes) => strFromU8(bytes))
      .join('\n');
    for (const foreign of [
      freelancerA.email,
      freelancerB.email,
      'Anna’s internal note',
      'Anna replies',
      'Ben replies',
      'ANNA PRIVATE BYTES',
    ]) {
      expect(everything).not.toContain(foreign);
    }

    // Another user cannot see or download it; a malformed id is the same 404.
    for (const path of [`/api/v1/me/exports/${id}`, `/api/v1/me/exports/${id}/download`, '/api/v1/me/exports/not-an-id']) {
      const res = await api().get(path).set(bearer(freelancerA.token));
      expect([res.status, res.body.error?.code]).toEqual([404, 'export_not_found']);
    }
    expect((await api().get('/api/v1/me/exports').set(bearer(freelancerA.token))).body.items).toEqual([]);
    expect((await api().get('/api/v1/me/exports').set(bearer(carol.token))).body.items.map((e: { id: string }) => e.id)).toEqual([id]);
  }, 180_000);

  it('erases her only once her money is released; then no service answers her address or name, and the ledger balances', async () => {
    const erase = () => api().delete('/api/v1/me').set(bearer(carol.token)).send({ password: carol.password });
    const base = `/api/v1/workspaces/${workspaceA}/milestones/${paidMilestoneId}`;
    const carolName: string = (await api().get('/api/v1/me').set(bearer(carol.token))).body.user.name;
    expect(carolName).toBe('Client Carol');

    // Her payment is held in escrow: refused, naming the milestone.
    const held = await erase();
    expect(held.status).toBe(409);
    expect(held.body.error).toMatchObject({
      code: 'erasure_blocked',
      details: { reasons: ['escrow_held'], blockers: [{ kind: 'escrow_held', workspaceId: workspaceA, milestoneId: paidMilestoneId }] },
    });

    // Anna delivers, Carol approves, billing transfers to Anna's connected account.
    const deliverable = await uploadFile(platform.gatewayUrl, freelancerA, workspaceA, 'shop-launch.zip', 'the launched shop');
    expect(
      (await api().post(`${base}/submit`).set(bearer(freelancerA.token)).send({ deliverableFileVersionId: deliverable.versionId })).status,
    ).toBe(200);
    expect((await api().post(`${base}/approve`).set(bearer(carol.token)).send({})).status).toBe(200);
    await eventually(
      'the milestone released',
      async () => (await api().get(base).set(bearer(freelancerA.token))).body.status === 'released',
    );

    // What each service's API answers the people she worked with: her id and her place, never her address or name.
    const answers = async () => {
      const as = (who: SignedUpUser) => async (path: string) => {
        const res = await api().get(path).set(bearer(who.token));
        return { path, status: res.status, body: res.body };
      };
      const asAnna = as(freelancerA);
      const asBen = as(freelancerB);
      const threadA = await generalThread(workspaceA, freelancerA);
      const threadB = await generalThread(workspaceB, freelancerB);
      return Promise.all([
        asAnna(`/api/v1/workspaces/${workspaceA}/members`), // workspace
        asBen(`/api/v1/workspaces/${workspaceB}/members`),
        asAnna(`/api/v1/workspaces/${workspaceA}/milestones/${paidMilestoneId}`),
        asAnna(`/api/v1/workspaces/${workspaceA}/activity`),
        asAnna(`/api/v1/workspaces/${workspaceA}/invitations`),
        asAnna(`/api/v1/workspaces/${workspaceA}/threads/${threadA}/messages`), // messaging
        asBen(`/api/v1/workspaces/${workspaceB}/threads/${threadB}/messages`),
        asAnna('/api/v1/me/notifications'),
        asAnna(`/api/v1/workspaces/${workspaceA}/files`), // files
        asAnna(`${base}/payment`), // billing
        asAnna(`/api/v1/workspaces/${workspaceA}/invoices`),
        asAnna(`/api/v1/reports/earnings?groupBy=client&from=${daysFromNow(-30)}&to=${daysFromNow(1)}`),
      ]);
    };
    // An invitation bound to her address (a second seat for her, not yet taken): the invitations list and the
    // append-only activity log ("invitation.created") both hold the address.
    const invited = await api()
      .post(`/api/v1/workspaces/${workspaceA}/invitations`)
      .set(bearer(freelancerA.token))
      .send({ role: 'collaborator', email: carol.email });
    expect(invited.status).toBe(201);

    // Before: the people she worked with see her address (what the assertions below must not find). Her
    // name is only answered to herself (/me); other members see ids and addresses.
    const before = await answers();
    for (const path of ['/members', '/activity', '/invitations']) {
      expect(JSON.stringify(before.find((r) => r.path.endsWith(path))!.body)).toContain(carol.email);
    }

    const done = await erase();
    expect(done.status).toBe(202);
    expect((await api().post('/api/v1/auth/login').send({ email: carol.email, password: carol.password })).status).toBe(401);
    expect((await api().get('/api/v1/me').set(bearer(carol.token))).body.user).toMatchObject({
      email: `deleted-${carol.userId}@erased.invalid`,
      name: 'Deleted user',
    });
    await eventually('messaging forgot her contact', async () => {
      const rows = await messagingDb.query(`select 1 from notification_contacts where user_id = $1`, [carol.userId]);
      return rows.length === 0;
    });

    const responses = await eventually('every service pseudonymised her', async () => {
      const all = await answers();
      return JSON.stringify(all.map((r) => r.body)).includes(carol.email) ? null : all;
    });
    for (const res of responses) {
      expect([res.path, res.status]).toEqual([res.path, 200]);
      const body = JSON.stringify(res.body);
      expect(body).not.toContain(carol.email);
      expect(body).not.toContain(carolName);
    }
    const [membersA, membersB, , , , messagesA, messagesB] = responses;
    for (const members of [membersA, membersB]) {
      expect(members.body.items.find((m: { userId: string }) => m.userId === carol.userId)).toMatchObject({
        email: `deleted-${carol.userId}@erased.invalid`,
      });
    }
    // Her messages keep their place and author id (shown as the deleted user the members list names).
    expect(messagesA.body.items.find((m: { authorId: string }) => m.authorId === carol.userId)?.text).toBe(
      'Carol here: can we launch in May?',
    );
    expect(messagesB.body.items.some((m: { authorId: string }) => m.authorId === carol.userId)).toBe(true);
    // Anna and Ben keep theirs.
    expect(JSON.stringify(membersA.body)).toContain(freelancerA.email);

    // The money is all there: charged = transferred + the platform's fee, every order's invariants hold.
    const payment = responses.find((r) => r.path.endsWith('/payment'))!.body;
    expect(payment.money).toMatchObject({ status: 'released', charged: 42_00, released: 42_00, refunded: 0 });
    const byKind = Object.fromEntries((payment.ledger as Array<{ kind: string; amount: number }>).map((e) => [e.kind, e.amount]));
    expect(byKind.charge).toBe(42_00);
    expect(byKind.transfer + byKind.platform_fee).toBe(byKind.charge);
    expect(await ledgerInvariantViolations(billingDb)).toEqual({});
    const invoices = responses.find((r) => r.path.endsWith('/invoices'))!.body.items as Array<{ milestoneId: string; total: number }>;
    expect(invoices.find((i) => i.milestoneId === paidMilestoneId)).toMatchObject({ total: 42_00 });
  }, 180_000);

  it('is offered for 7 days: then the API answers 410 and the janitor deletes the archive', async () => {
    const asked = await api().post('/api/v1/me/export').set(bearer(freelancerB.token));
    expect(asked.status).toBe(202);
    const id = asked.body.id as string;
    const ready = await readyExport(freelancerB, id);
    expect(Object.keys(await download(freelancerB, id))).toContain('messaging/messages.json');

    clock.set(new Date(new Date(ready.expiresAt).getTime() + 60_000));
    const gone = await api().get(`/api/v1/me/exports/${id}/download`).set(bearer(freelancerB.token));
    expect([gone.status, gone.body.error?.code]).toEqual([410, 'export_expired']);
    expect((await api().get(`/api/v1/me/exports/${id}`).set(bearer(freelancerB.token))).body.status).toBe('expired');

    const round = await platform.apps.files!.get(FilesJanitor).runOnce();
    expect(round.expiredArchives).toBeGreaterThanOrEqual(1);
    expect(await filesDb.query(`select export_id from personal_data_archives where export_id = $1`, [id])).toEqual([]);
  }, 120_000);
});
