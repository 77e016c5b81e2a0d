import request from 'supertest';
import { AccessTokenService, loadKeySetFromDir } from '@fpms/auth';
import {
  bearer,
  createWorkspace,
  eventually,
  grantPlan,
  inParallel,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { platformEnv } from '../../tools/infra/platform-env';
import { startUpload, uploadFile } from '../files/files-fixtures';
import { connectSocket, receives, TestSocket } from './realtime-client';

/**
 * Threads, messages, read state and realtime through the gateway, with gateway (two
 * replicas), workspace, files and messaging in-process against real PostgreSQL, RabbitMQ,
 * Redis and an s3rver of this file's own. Sockets are real socket.io-clients; replica B
 * carries low send limits for the rate-limit case (counters are shared in Redis).
 */
describe('messaging: threads, read state and realtime across two gateway replicas', () => {
  let s3: TestS3;
  let platform: RunningPlatform;
  let replicaB: RunningPlatform;
  /** Messaging's clock runs `offsetMs` ahead of real time (the edit window case moves it). */
  let offsetMs = 0;
  const clock = { now: () => new Date(Date.now() + offsetMs) };
  let owner: SignedUpUser;
  let collaborator: SignedUpUser;
  let client: SignedUpUser;
  let viewer: SignedUpUser;
  let outsider: SignedUpUser;
  let workspaceId: string;
  let outsiderWorkspaceId: string;
  let general: string;
  let outsiderGeneral: string;
  const sockets: TestSocket[] = [];
  const A = () => request(platform.gatewayUrl);
  const B = () => request(replicaB.gatewayUrl);
  const threads = (ws = workspaceId) => `/api/v1/workspaces/${ws}/threads`;
  const messages = (thread = general, ws = workspaceId) => `${threads(ws)}/${thread}/messages`;
  const connect = (url: string, token: string) => {
    const s = connectSocket(url, token);
    sockets.push(s);
    return s;
  };
  const post = async (user: SignedUpUser, body: object, thread = general, ws = workspaceId) => {
    const res = await A().post(messages(thread, ws)).set(bearer(user.token)).send(body);
    if (res.status !== 201) throw new Error(`post failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; seq: number; text: string };
  };
  const generalThreadOf = (ws: string, user: SignedUpUser) =>
    eventually(`general thread of ${ws}`, async () => {
      const res = await A().get(threads(ws)).set(bearer(user.token));
      return res.status === 200 ? (res.body.items.find((t: { kind: string }) => t.kind === 'general')?.id as string) : null;
    });
  const threadOf = async (user: SignedUpUser, thread = general) => (await A().get(`${threads()}/${thread}`).set(bearer(user.token))).body;
  const me = async (user: SignedUpUser) => (await A().get('/api/v1/me').set(bearer(user.token))).body;
  /** The members projection has the user once their workspace total exists (GET /me lists it). */
  const projected = (user: SignedUpUser, ws = workspaceId) =>
    eventually(`read state of ${user.email}`, async () =>
      (await me(user)).unread?.workspaces.some((w: { workspaceId: string }) => w.workspaceId === ws),
    );

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files', 'messaging'],
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }) },
      clock,
    });
    replicaB = await startPlatform({
      services: ['gateway'],
      shareWith: platform,
      env: { gateway: { RATE_LIMIT_MESSAGE_MEMBER: '4/60', RATE_LIMIT_MESSAGE_WORKSPACE: '6/60' } },
    });
    owner = await signUp(platform.gatewayUrl, 'Owner');
    outsider = await signUp(platform.gatewayUrl, 'Outsider');
    // Internal notes are a pro feature (the free plan's 402 is test/entitlements' case).
    await grantPlan(platform, owner.accountId, 'pro', ['workspace', 'files', 'messaging']);
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner, 'Engagement')).id;
    outsiderWorkspaceId = (await createWorkspace(platform.gatewayUrl, outsider, 'Other engagement')).id;
    collaborator = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'collaborator');
    client = await inviteAndJoin(platform.gatewayUrl, owner, workspaceId, 'client_admin');
    viewer = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    general = await generalThreadOf(workspaceId, owner);
    outsiderGeneral = await generalThreadOf(outsiderWorkspaceId, outsider);
    for (const user of [owner, collaborator, client, viewer]) await projected(user);
    // Five services and a second gateway on a shared, busy machine.
  }, 240_000);

  afterAll(async () => {
    for (const s of sockets) s.close();
    await replicaB?.close();
    await platform?.close();
    await s3?.close();
  });

  it('gives every workspace one general thread, and each proposed milestone a thread of its own', async () => {
    const list = await A().get(threads()).set(bearer(client.token));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: general, kind: 'general', milestoneId: null, unread: 0 })]);
    const milestone = await A()
      .post(`/api/v1/workspaces/${workspaceId}/milestones`)
      .set(bearer(owner.token))
      .send({ title: 'Design', amount: 1000, currency: 'EUR' });
    await A().post(`/api/v1/workspaces/${workspaceId}/milestones/${milestone.body.id}/propose`).set(bearer(owner.token)).send({});
    const thread = await eventually('milestone thread', async () => {
      const res = await A().get(threads()).set(bearer(client.token));
      return res.body.items.find((t: { milestoneId: string }) => t.milestoneId === milestone.body.id);
    });
    expect(thread).toMatchObject({ kind: 'milestone', title: 'Design', unread: 0 });
  });

  it('lets two members exchange messages with attachments, stored exactly as sent', async () => {
    const file = await uploadFile(platform.gatewayUrl, owner, workspaceId, 'brief.pdf', 'the brief', 'application/pdf');
    const text = '  Here is the brief <b>not html</b> — ünïcødé 🎉\n\n';
    const sent = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text, attachments: [file] });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({
      text,
      authorId: owner.userId,
      internal: false,
      attachments: [{ fileId: file.fileId, versionId: file.versionId, name: 'brief.pdf', contentType: 'application/pdf', size: 9 }],
    });
    const reply = await A().post(messages()).set(bearer(client.token)).send({ text: 'Thanks!' });
    expect(reply.status).toBe(201);
    expect(reply.body.seq).toBe(sent.body.seq + 1);
    const seenByClient = await A().get(messages()).set(bearer(client.token));
    expect(seenByClient.body.items.map((m: { text: string }) => m.text)).toEqual(['Thanks!', text]);
    expect(seenByClient.body.items[1].attachments[0].versionId).toBe(file.versionId);
    const seenByOwner = await A().get(messages()).set(bearer(owner.token));
    expect(seenByOwner.body.items).toEqual(seenByClient.body.items);
  });

  it('tells the other members of a new message in the app, never its author; internal notes only the freelancer side', async () => {
    // A thread of its own (a new milestone's): notifications are kept per thread.
    const milestone = await A()
      .post(`/api/v1/workspaces/${workspaceId}/milestones`)
      .set(bearer(owner.token))
      .send({ title: 'Copywriting', amount: 1000, currency: 'EUR' });
    await A().post(`/api/v1/workspaces/${workspaceId}/milestones/${milestone.body.id}/propose`).set(bearer(owner.token)).send({});
    const thread = await eventually('milestone thread', async () => {
      const res = await A().get(threads()).set(bearer(owner.token));
      return res.body.items.find((t: { milestoneId: string }) => t.milestoneId === milestone.body.id)?.id as string | undefined;
    });
    const aboutThread = async (user: SignedUpUser, type: string) =>
      (
        (await A().get('/api/v1/me/notifications?limit=100').set(bearer(user.token))).body.items as Array<{
          type: string;
          subject: { id: string };
          actorUserId: string | null;
        }>
      ).filter((n) => n.type === type && n.subject.id === thread);

    await post(collaborator, { text: 'news for everyone' }, thread);
    await eventually('the client is told of the message', async () => (await aboutThread(client, 'message.posted')).length === 1);
    expect(await aboutThread(client, 'message.posted')).toEqual([expect.objectContaining({ actorUserId: collaborator.userId })]);
    expect(await aboutThread(owner, 'message.posted')).toHaveLength(1);
    expect(await aboutThread(collaborator, 'message.posted')).toEqual([]);

    await post(owner, { text: 'between us', internal: true }, thread);
    await eventually(
      'the collaborator is told of the internal note',
      async () => (await aboutThread(collaborator, 'internal_note.posted')).length === 1,
    );
    expect(await aboutThread(client, 'internal_note.posted')).toEqual([]);
    expect(await aboutThread(viewer, 'internal_note.posted')).toEqual([]);
    // Read, so later cases count unread messages from a clean slate.
    for (const member of [client, viewer, collaborator]) await A().post(`${threads()}/${thread}/read`).set(bearer(member.token)).send({});
  });

  it('notifies the members a message mentions, and refuses mentions of non-members or, in a note, of the client side (422)', async () => {
    const mentionsOf = async (user: SignedUpUser) =>
      ((await A().get('/api/v1/me/notifications?limit=100').set(bearer(user.token))).body.items as Array<{ type: string }>).filter(
        (n) => n.type === 'message.mention',
      ).length;
    const before = { client: await mentionsOf(client), viewer: await mentionsOf(viewer) };
    await post(owner, { text: '@client please have a look', mentions: [client.userId] });
    await eventually('the mentioned client is told', async () => (await mentionsOf(client)) === before.client + 1);
    expect(await mentionsOf(viewer)).toBe(before.viewer);

    const stranger = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'hi', mentions: [outsider.userId] });
    expect(stranger.status).toBe(422);
    expect(stranger.body.error).toMatchObject({ code: 'mention_invalid', details: { userIds: [outsider.userId] } });
    const leak = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'psst', internal: true, mentions: [client.userId] });
    expect(leak.status).toBe(422);
    expect(leak.body.error.code).toBe('mention_invalid');
    const bad = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'x', mentions: ['not-a-user', 'not-a-user'] });
    expect(bad.status).toBe(400);
  });

  it('refuses attachments from another workspace or not finished uploading (422), and bad input (400)', async () => {
    const foreign = await uploadFile(platform.gatewayUrl, outsider, outsiderWorkspaceId, 'theirs.txt', 'x');
    const res = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'look', attachments: [foreign] });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'attachment_invalid', details: { reason: 'not_found' } });
    const pending = await startUpload(platform.gatewayUrl, owner, workspaceId, { name: 'half.txt', size: 3, contentType: 'text/plain' });
    const unfinished = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'half', attachments: [{ fileId: pending.file.id, versionId: pending.version.id }] });
    expect(unfinished.status).toBe(422);
    expect(unfinished.body.error).toMatchObject({ code: 'attachment_invalid', details: { reason: 'not_ready' } });
    // A foreign version under one of our own files is no better.
    const mixed = await A()
      .post(messages())
      .set(bearer(owner.token))
      .send({ text: 'mixed', attachments: [{ fileId: pending.file.id, versionId: foreign.versionId }] });
    expect(mixed.status).toBe(422);

    const bad: Array<[string, object]> = [
      ['empty text', { text: '' }],
      ['blank text', { text: '   \n' }],
      ['too long', { text: 'x'.repeat(10_001) }],
      ['no text', {}],
      ['text not a string', { text: 42 }],
      ['attachments not a list', { text: 'a', attachments: 'x' }],
      ['attachment without ids', { text: 'a', attachments: [{ fileId: 'nope' }] }],
      ['internal not a boolean', { text: 'a', internal: 'yes' }],
      ['unknown field', { text: 'a', sneaky: true }],
    ];
    for (const [why, body] of bad) {
      const r = await A().post(messages()).set(bearer(owner.token)).send(body);
      expect([why, r.status, r.body.error?.code]).toEqual([why, 400, 'validation_failed']);
    }
    expect(
      (
        await A()
          .post(messages())
          .set(bearer(owner.token))
          .send({ text: 'x'.repeat(10_000) })
      ).status,
    ).toBe(201);
    expect((await A().get(`${messages()}?before=1&after=2`).set(bearer(owner.token))).status).toBe(400);
    expect((await A().get(`${messages()}?limit=0`).set(bearer(owner.token))).status).toBe(400);
    expect((await A().get(`${messages()}?before=abc`).set(bearer(owner.token))).status).toBe(400);
    expect((await A().get(`${threads()}/not-a-uuid/messages`).set(bearer(owner.token))).status).toBe(404);
    expect((await A().post(`${messages()}/not-a-uuid/read`).set(bearer(owner.token)).send({})).status).toBe(404);
    expect((await A().post(`${threads()}/${general}/read`).set(bearer(owner.token)).send({ messageId: 'nope' })).status).toBe(400);
  });

  it('keeps other tenants and viewers out: 404 to read or post as another workspace’s member, 403 for a viewer to post', async () => {
    for (const path of [threads(), `${threads()}/${general}`, messages()]) {
      const res = await A().get(path).set(bearer(outsider.token));
      expect([path, res.status, res.body.error.code]).toEqual([path, 404, 'workspace_not_found']);
    }
    expect((await A().post(messages()).set(bearer(outsider.token)).send({ text: 'hi' })).status).toBe(404);
    // Another workspace's thread under one's own workspace: not there either.
    expect((await A().get(messages(general, outsiderWorkspaceId)).set(bearer(outsider.token))).status).toBe(404);
    expect((await A().post(messages(general, outsiderWorkspaceId)).set(bearer(outsider.token)).send({ text: 'hi' })).status).toBe(404);
    const viewerPost = await A().post(messages()).set(bearer(viewer.token)).send({ text: 'may I?' });
    expect(viewerPost.status).toBe(403);
    expect((await A().get(messages()).set(bearer(viewer.token))).status).toBe(200);
    // Only the freelancer side writes internal notes.
    expect((await A().post(messages()).set(bearer(client.token)).send({ text: 'note', internal: true })).status).toBe(403);
  });

  it('delivers each message within a second to a member on the other replica, and nothing at all to another workspace’s member', async () => {
    const clientOnB = connect(replicaB.gatewayUrl, client.token);
    const outsiderOnA = connect(platform.gatewayUrl, outsider.token);
    const outsiderOnB = connect(replicaB.gatewayUrl, outsider.token);
    expect((await clientOnB.ready).workspaceIds).toEqual([workspaceId]);
    await Promise.all([outsiderOnA.ready, outsiderOnB.ready]);
    // Subscribing to a workspace one is not a member of is refused like the REST API refuses it.
    expect(await outsiderOnA.emitWithAck('workspace.subscribe', { workspaceId })).toMatchObject({
      ok: false,
      error: { status: 404, code: 'workspace_not_found' },
    });
    for (const n of [1, 2, 3]) {
      const sent = await post(owner, { text: `realtime ${n}` });
      const got = await receives(clientOnB, 'messaging.message.posted', (d) => (d.message as { id: string }).id === sent.id, 1000);
      expect(got.payload.data).toMatchObject({
        workspaceId,
        threadId: general,
        message: { text: `realtime ${n}`, authorId: owner.userId },
      });
    }
    const edited = await post(owner, { text: 'typo' });
    await A().patch(`${messages()}/${edited.id}`).set(bearer(owner.token)).send({ text: 'fixed' });
    await receives(clientOnB, 'messaging.message.edited', (d) => (d.message as { text: string }).text === 'fixed');
    // The outsider's sockets work (their own workspace's message arrives on both) and got nothing of ours.
    const own = await post(outsider, { text: 'our own' }, outsiderGeneral, outsiderWorkspaceId);
    for (const s of [outsiderOnA, outsiderOnB])
      await receives(s, 'messaging.message.posted', (d) => (d.message as { id: string }).id === own.id);
    for (const s of [outsiderOnA, outsiderOnB]) {
      expect(s.events.filter((e) => e.name !== 'ready' && e.payload.data?.workspaceId !== outsiderWorkspaceId)).toEqual([]);
    }
  });

  it('relays typing signals and read receipts to the other members only', async () => {
    const ownerOnA = connect(platform.gatewayUrl, owner.token);
    const clientOnB = connect(replicaB.gatewayUrl, client.token);
    const outsiderOnB = connect(replicaB.gatewayUrl, outsider.token);
    await Promise.all([ownerOnA.ready, clientOnB.ready, outsiderOnB.ready]);
    expect(await clientOnB.emitWithAck('typing', { workspaceId, threadId: general })).toEqual({ ok: true });
    await receives(ownerOnA, 'typing', (d) => d.userId === client.userId && d.threadId === general);
    expect(clientOnB.received('typing')).toEqual([]);
    expect(await outsiderOnB.emitWithAck('typing', { workspaceId, threadId: general })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await outsiderOnB.emitWithAck('typing', { workspaceId: 'x' })).toMatchObject({ ok: false, error: { status: 400 } });
    const read = await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({});
    expect(read.status).toBe(200);
    await receives(ownerOnA, 'messaging.read_cursor.moved', (d) => d.userId === client.userId && d.lastReadSeq === read.body.lastReadSeq);
    expect(outsiderOnB.events.filter((e) => e.payload.data?.workspaceId === workspaceId)).toEqual([]);
  });

  it('keeps internal notes on the freelancer side: never in the client’s pages, counts or sockets', async () => {
    const clientOnA = connect(platform.gatewayUrl, client.token);
    const collaboratorOnB = connect(replicaB.gatewayUrl, collaborator.token);
    await Promise.all([clientOnA.ready, collaboratorOnB.ready]);
    await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({});
    const note = await post(owner, { text: 'client pays late, be firm', internal: true });
    const after = await post(owner, { text: 'public again' });
    await receives(collaboratorOnB, 'messaging.message.posted', (d) => (d.message as { id: string }).id === note.id);
    await receives(clientOnA, 'messaging.message.posted', (d) => (d.message as { id: string }).id === after.id);
    expect(JSON.stringify(clientOnA.events)).not.toContain(note.id);
    expect(JSON.stringify(clientOnA.events)).not.toContain('be firm');
    const clientPage = await A().get(`${messages()}?limit=100`).set(bearer(client.token));
    expect(clientPage.body.items.map((m: { id: string }) => m.id)).not.toContain(note.id);
    const ownerPage = await A().get(`${messages()}?limit=100`).set(bearer(collaborator.token));
    expect(ownerPage.body.items.find((m: { id: string }) => m.id === note.id)).toMatchObject({ internal: true });
    expect((await threadOf(client)).unread).toBe(1);
    expect((await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({ messageId: note.id })).status).toBe(404);
    expect((await A().patch(`${messages()}/${note.id}`).set(bearer(client.token)).send({ text: 'x' })).status).toBe(404);
    // A freelancer's receipt at the note reaches the freelancer side only.
    await A().post(`${threads()}/${general}/read`).set(bearer(collaborator.token)).send({ messageId: note.id });
    await receives(collaboratorOnB, 'messaging.read_cursor.moved', (d) => d.lastReadMessageId === note.id);
    const later = await post(owner, { text: 'later' });
    await receives(clientOnA, 'messaging.message.posted', (d) => (d.message as { id: string }).id === later.id);
    expect(JSON.stringify(clientOnA.events)).not.toContain(note.id);
  });

  it('keeps unread counts right after posts, reads, edits and deletes (thread, workspace, GET /me)', async () => {
    await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({});
    expect((await threadOf(client)).unread).toBe(0);
    const m1 = await post(owner, { text: 'one' });
    const m2 = await post(collaborator, { text: 'two' });
    const m3 = await post(owner, { text: 'three' });
    expect((await threadOf(client)).unread).toBe(3);
    expect((await me(client)).unread).toEqual({ total: 3, workspaces: [{ workspaceId, unread: 3 }] });
    // The author's own message never counts for them; posting reads the thread up to it.
    expect((await threadOf(owner)).unread).toBe(0);
    expect((await threadOf(collaborator)).unread).toBe(1);
    await A().patch(`${messages()}/${m2.id}`).set(bearer(collaborator.token)).send({ text: 'two, edited' });
    expect((await threadOf(client)).unread).toBe(3);
    await A().delete(`${messages()}/${m3.id}`).set(bearer(owner.token));
    expect((await threadOf(client)).unread).toBe(2);
    expect((await threadOf(collaborator)).unread).toBe(0);
    const partial = await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({ messageId: m1.id });
    expect(partial.body).toMatchObject({ unread: 1, workspaceUnread: 1, lastReadSeq: m1.seq });
    // Cursors only move forward: reading an older message changes nothing.
    const older = await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({ messageId: m1.id });
    expect(older.body).toMatchObject({ unread: 1, lastReadSeq: m1.seq });
    // Deleting what was already read leaves the count alone.
    await A().delete(`${messages()}/${m1.id}`).set(bearer(owner.token));
    expect((await threadOf(client)).unread).toBe(1);
    const all = await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({});
    expect(all.body).toMatchObject({ unread: 0, workspaceUnread: 0 });
    expect((await me(client)).unread.total).toBe(0);
    // The tombstone keeps its place: seq, author and time stay; text and attachments go.
    const page = await A().get(`${messages()}?limit=5`).set(bearer(client.token));
    expect(page.body.items.find((m: { id: string }) => m.id === m3.id)).toMatchObject({
      seq: m3.seq,
      authorId: owner.userId,
      text: null,
      attachments: [],
      deletedAt: expect.any(String),
    });
    expect((await A().patch(`${messages()}/${m3.id}`).set(bearer(owner.token)).send({ text: 'back' })).status).toBe(409);
    expect((await A().delete(`${messages()}/${m2.id}`).set(bearer(owner.token))).status).toBe(403);
  });

  it('keeps read state for the owner of every new workspace (its creation and the owner joining are applied concurrently)', async () => {
    // Both events leave the workspace service in one outbox batch; messaging used to apply them
    // in parallel, each blind to the other, leaving the owner with no cursor in the thread.
    const fresh = await inParallel(
      Array.from({ length: 8 }),
      8,
      async (_, i) => (await createWorkspace(platform.gatewayUrl, owner, `Fresh ${i}`)).id,
    );
    const cursors = await inParallel(fresh, 4, async (ws) => {
      const thread = await generalThreadOf(ws, owner);
      const sent = await post(owner, { text: 'first' }, thread, ws);
      const view = (
        await A()
          .get(`${threads(ws)}/${thread}`)
          .set(bearer(owner.token))
      ).body as { lastReadSeq: number };
      return { ws, lastReadSeq: view.lastReadSeq, seq: sent.seq };
    });
    expect(cursors).toEqual(fresh.map((ws) => ({ ws, lastReadSeq: 1, seq: 1 })));
  });

  it('pages a thread both ways by keyset cursors', async () => {
    const milestone = await A()
      .post(`/api/v1/workspaces/${workspaceId}/milestones`)
      .set(bearer(owner.token))
      .send({ title: 'Paging', amount: 1000, currency: 'EUR' });
    await A().post(`/api/v1/workspaces/${workspaceId}/milestones/${milestone.body.id}/propose`).set(bearer(owner.token)).send({});
    const thread = await eventually('paging thread', async () => {
      const res = await A().get(threads()).set(bearer(owner.token));
      return res.body.items.find((t: { milestoneId: string }) => t.milestoneId === milestone.body.id)?.id as string;
    });
    const sent = [];
    for (let i = 1; i <= 5; i++) sent.push(await post(owner, { text: `p${i}` }, thread));
    const texts = (body: { items: Array<{ text: string }> }) => body.items.map((m) => m.text);
    const newest = await A()
      .get(`${messages(thread)}?limit=2`)
      .set(bearer(client.token));
    expect(texts(newest.body)).toEqual(['p5', 'p4']);
    const older = await A()
      .get(`${messages(thread)}?limit=2&before=${newest.body.nextBefore}`)
      .set(bearer(client.token));
    expect(texts(older.body)).toEqual(['p3', 'p2']);
    const oldest = await A()
      .get(`${messages(thread)}?limit=2&before=${older.body.nextBefore}`)
      .set(bearer(client.token));
    expect(texts(oldest.body)).toEqual(['p1']);
    expect(oldest.body.nextBefore).toBeNull();
    const newer = await A()
      .get(`${messages(thread)}?limit=2&after=${oldest.body.nextAfter}`)
      .set(bearer(client.token));
    expect(texts(newer.body)).toEqual(['p3', 'p2']);
    const newest2 = await A()
      .get(`${messages(thread)}?limit=2&after=${newer.body.nextAfter}`)
      .set(bearer(client.token));
    expect(texts(newest2.body)).toEqual(['p5', 'p4']);
    const none = await A()
      .get(`${messages(thread)}?limit=2&after=${newest2.body.nextAfter}`)
      .set(bearer(client.token));
    expect(none.body).toMatchObject({ items: [], nextAfter: String(sent[4].seq) });
  });

  it('lets the author edit within the window only (409 after it), and no one else', async () => {
    const m = await post(collaborator, { text: 'draft' });
    expect((await A().patch(`${messages()}/${m.id}`).set(bearer(owner.token)).send({ text: 'mine now' })).status).toBe(403);
    const edited = await A().patch(`${messages()}/${m.id}`).set(bearer(collaborator.token)).send({ text: 'final ' });
    expect(edited.body).toMatchObject({ text: 'final ', editedAt: expect.any(String) });
    expect((await A().patch(`${messages()}/${m.id}`).set(bearer(collaborator.token)).send({ text: '' })).status).toBe(400);
    offsetMs = 16 * 60_000;
    try {
      const late = await A().patch(`${messages()}/${m.id}`).set(bearer(collaborator.token)).send({ text: 'too late' });
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({ code: 'message_edit_window_closed', details: { windowMinutes: 15 } });
      // Deleting has no window.
      expect((await A().delete(`${messages()}/${m.id}`).set(bearer(collaborator.token))).status).toBe(200);
    } finally {
      offsetMs = 0;
    }
  });

  it('disconnects a socket when its token expires, unless the client sends a fresh one', async () => {
    const keys = loadKeySetFromDir(platformEnv().keysDir, platformEnv().activeKid);
    const shortLived = () => new AccessTokenService(keys, 2).sign({ sub: client.userId, email: client.email });
    const expiring = connect(replicaB.gatewayUrl, shortLived());
    const refreshed = connect(platform.gatewayUrl, shortLived());
    await Promise.all([expiring.ready, refreshed.ready]);
    const expiresAt = Date.now() + 2000;
    expect(await refreshed.emitWithAck('auth.refresh', { token: client.token })).toMatchObject({ ok: true });
    expect(await refreshed.emitWithAck('auth.refresh', { token: outsider.token })).toMatchObject({ ok: false, error: { status: 401 } });
    await eventually('expired socket disconnected', async () => !expiring.socket.connected, { timeoutMs: 5000, intervalMs: 50 });
    expect(expiring.received('session.expired')).toHaveLength(1);
    await eventually('past the short token', async () => Date.now() > expiresAt + 500, { timeoutMs: 5000, intervalMs: 50 });
    const sent = await post(owner, { text: 'still there?' });
    await receives(refreshed, 'messaging.message.posted', (d) => (d.message as { id: string }).id === sent.id);
    expect(refreshed.socket.connected).toBe(true);
    // No token, or a bad one: no socket at all.
    const refused = connectSocket(platform.gatewayUrl, 'not-a-token');
    sockets.push(refused);
    await expect(refused.ready).rejects.toThrow(/Invalid access token/);
  });

  it('cuts a removed member off at once: no further events, no re-subscribe', async () => {
    const leaving = await inviteAndJoin(platform.gatewayUrl, client, workspaceId, 'client_viewer');
    const leavingOnB = connect(replicaB.gatewayUrl, leaving.token);
    const staying = connect(platform.gatewayUrl, viewer.token);
    await Promise.all([leavingOnB.ready, staying.ready]);
    if (!(await leavingOnB.ready).workspaceIds.includes(workspaceId)) throw new Error('the viewer joined before connecting');
    const before = await post(owner, { text: 'before removal' });
    // What this case is about is the cut-off below, not latency (the delivery case bounds that):
    // the join just before notified every member, so the fan-out may have a short queue.
    const settle = 5_000;
    await receives(leavingOnB, 'messaging.message.posted', (d) => (d.message as { id: string }).id === before.id, settle);
    await receives(leavingOnB, 'messaging.read_cursor.moved', (d) => d.userId === owner.userId && d.lastReadSeq === before.seq, settle);
    // Its notification too (made from the posted event, so it may trail the message itself).
    await receives(leavingOnB, 'messaging.notification.created', (d) => d.type === 'message.posted', settle);
    expect((await A().delete(`/api/v1/workspaces/${workspaceId}/members/${leaving.userId}`).set(bearer(client.token))).status).toBe(204);
    const cut = leavingOnB.events.length;
    const afterRemoval = await post(owner, { text: 'after removal' });
    await A().post(`${threads()}/${general}/read`).set(bearer(client.token)).send({});
    await receives(staying, 'messaging.message.posted', (d) => (d.message as { id: string }).id === afterRemoval.id, settle);
    await receives(staying, 'messaging.read_cursor.moved', (d) => d.userId === client.userId, settle);
    // Nothing of the workspace any more; only their own notice of the removal (their personal room) may follow.
    const isRemovalNotice = (ev: { name: string; payload: unknown }) =>
      ev.name === 'messaging.notification.created' && (ev.payload as { data: { type: string } }).data.type === 'member.removed';
    expect(leavingOnB.events.slice(cut).filter((ev) => !isRemovalNotice(ev))).toEqual([]);
    expect(await leavingOnB.emitWithAck('workspace.subscribe', { workspaceId })).toMatchObject({ ok: false, error: { status: 404 } });
    expect(await leavingOnB.emitWithAck('typing', { workspaceId, threadId: general })).toMatchObject({ ok: false });
    expect((await A().get(messages()).set(bearer(leaving.token))).status).toBe(404);
  });

  it('limits sends per member and per workspace: 429 with Retry-After and the error body', async () => {
    const ws = (await createWorkspace(platform.gatewayUrl, owner, 'Chatty')).id;
    const partner = await inviteAndJoin(platform.gatewayUrl, owner, ws, 'collaborator');
    const thread = await generalThreadOf(ws, owner);
    const send = (user: SignedUpUser) => B().post(messages(thread, ws)).set(bearer(user.token)).send({ text: 'spam' });
    for (let i = 0; i < 4; i++) expect((await send(owner)).status).toBe(201);
    const limited = await send(owner);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', requestId: expect.any(String) });
    // The workspace's budget (6) is spent by posted messages only: the partner gets two more, then 429.
    expect((await send(partner)).status).toBe(201);
    expect((await send(partner)).status).toBe(201);
    expect((await send(partner)).status).toBe(429);
    // Refused strangers spend nothing of a workspace's budget.
    const other = (await createWorkspace(platform.gatewayUrl, owner, 'Quiet')).id;
    const quiet = await generalThreadOf(other, owner);
    for (let i = 0; i < 8; i++) await B().post(messages(quiet, other)).set(bearer(outsider.token)).send({ text: 'x' });
    expect((await B().post(messages(quiet, other)).set(bearer(owner.token)).send({ text: 'mine' })).status).toBe(201);
  });
});
