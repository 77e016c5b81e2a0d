import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { EventEnvelope, WorkspaceEvents } from '@fpms/contracts';
import { bearer, connectServiceDb, RunningPlatform, startPlatform, startTestS3, TestS3 } from '@fpms/harness';
import { Clock } from '@fpms/common/scheduling/clock';
import { DeliverablePinner } from '../../apps/workspace/src/milestones/deliverable-pinner';
import { MilestoneLifecycle } from '../../apps/workspace/src/milestones/milestone-lifecycle';
import { BillingPublisher, engagement, Engagement, fundedMilestone, milestoneApi, systemDb, waitForInbox } from '../milestones/support';
import { uploadFile } from './files-fixtures';

/**
 * No pin outlives its reason: a milestone pins exactly the version it references now
 * (a resubmission moves the pin), a submission that rolls back leaves no pin, and a member
 * can unpin a version no milestone needs. Gateway, workspace and files with s3rver.
 */
describe('files: deliverable pins follow the milestones that need them', () => {
  let platform: RunningPlatform;
  let s3: TestS3;
  let e: Engagement;
  let billing: BillingPublisher;
  let system: DataSource;
  let filesClock: Clock;
  let filesDb: DataSource;
  const api = () => request(platform.gatewayUrl);
  const filesBase = () => `/api/v1/workspaces/${e.workspaceId}/files`;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: {
        files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0', FILES_SUBMISSION_PIN_GRACE_SECONDS: '600' }),
        workspace: { REVIEW_TIMER_POLL_MS: '0' },
      },
    });
    e = await engagement(platform);
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await systemDb(platform);
    filesClock = platform.apps.files!.get(Clock);
    filesDb = await connectServiceDb('files', 'system', platform.dbPrefix);
  });

  afterEach(() => {
    if (filesClock) filesClock.now = () => new Date();
  });

  afterAll(async () => {
    await billing?.close();
    await system?.destroy();
    await filesDb?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const versionOf = async (fileId: string, versionId: string) => {
    const file = await api().get(`${filesBase()}/${fileId}`).set(bearer(e.freelancer.token));
    expect(file.status).toBe(200);
    return file.body.versions.find((v: { id: string }) => v.id === versionId) as { pinnedAt: string | null; pinnedFor: string | null };
  };
  /** The milestone's events reach the files service asynchronously: poll for the state they lead to. */
  const eventually = async (check: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 100; i++) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`never happened: ${what}`);
  };
  const unpin = (fileId: string, versionId: string, who = e.freelancer) =>
    api().delete(`${filesBase()}/${fileId}/versions/${versionId}/pin`).set(bearer(who.token));

  it('a resubmission moves the pin: the replaced version is released and can be deleted, the new one cannot be unpinned', async () => {
    const ms = milestoneApi(platform, e);
    const m = await fundedMilestone(platform, e, billing, system);
    const file = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'design.pdf', 'design, first cut', 'application/pdf');
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: file.versionId })).status).toBe(200);
    expect(await versionOf(file.fileId, file.versionId)).toMatchObject({ pinnedFor: `milestone:${m.id}` });
    expect((await ms.act(e.client, m.id, 'request-changes', { note: 'bigger logo' })).status).toBe(200);

    const v2 = await api()
      .post(`${filesBase()}/${file.fileId}/versions`)
      .set(bearer(e.freelancer.token))
      .send({ size: 17, contentType: 'application/pdf' });
    expect(v2.status).toBe(201);
    const put = await fetch(v2.body.upload.url, {
      method: 'PUT',
      body: Buffer.from('design, second 17'),
      headers: { 'Content-Type': 'application/pdf' },
    });
    expect(put.status).toBe(200);
    expect(
      (await api().post(`${filesBase()}/${file.fileId}/versions/${v2.body.version.id}/complete`).set(bearer(e.freelancer.token)).send({}))
        .status,
    ).toBe(200);
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: v2.body.version.id })).status).toBe(200);

    await eventually(async () => (await versionOf(file.fileId, file.versionId)).pinnedAt === null, 'the replaced version is unpinned');
    expect(await versionOf(file.fileId, v2.body.version.id)).toMatchObject({ pinnedFor: `milestone:${m.id}` });
    expect((await api().delete(`${filesBase()}/${file.fileId}/versions/${file.versionId}`).set(bearer(e.freelancer.token))).status).toBe(
      204,
    );

    const refused = await unpin(file.fileId, v2.body.version.id);
    expect([refused.status, refused.body.error?.code, refused.body.error?.details]).toEqual([
      409,
      'file_version_needed',
      { reason: 'milestone', milestoneIds: [m.id] },
    ]);
    expect(
      (await api().delete(`${filesBase()}/${file.fileId}/versions/${v2.body.version.id}`).set(bearer(e.freelancer.token))).status,
    ).toBe(409);
    expect((await ms.get(e.client, m.id)).body).toMatchObject({ status: 'submitted', deliverableFileVersionId: v2.body.version.id });
  });

  it('a submission whose transaction fails after pinning leaves no pin behind', async () => {
    const ms = milestoneApi(platform, e);
    const m = await fundedMilestone(platform, e, billing, system);
    const file = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'rolled-back.txt', 'never submitted');
    const lifecycle = platform.apps.workspace!.get(MilestoneLifecycle);
    const apply = lifecycle.apply;
    // The pin RPC has succeeded; then the workspace's transaction fails and rolls back.
    lifecycle.apply = async () => {
      throw new Error('simulated failure after the pin');
    };
    try {
      const res = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: file.versionId });
      expect(res.status).toBeGreaterThanOrEqual(500);
    } finally {
      lifecycle.apply = apply;
    }
    expect((await ms.get(e.freelancer, m.id)).body).toMatchObject({ status: 'funded', deliverableFileVersionId: null });
    expect((await versionOf(file.fileId, file.versionId)).pinnedAt).toBeNull();
    expect((await api().delete(`${filesBase()}/${file.fileId}`).set(bearer(e.freelancer.token))).status).toBe(200);
  });

  it('a provisional pin the workspace could not release (crash) is settled: by the grace period on unpin, or by the milestone’s next state', async () => {
    const ms = milestoneApi(platform, e);
    const m = await fundedMilestone(platform, e, billing, system);
    const stuck = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'stuck.txt', 'pinned by a crashed submission');
    const other = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'other.txt', 'pinned by another crashed submission');
    const lifecycle = platform.apps.workspace!.get(MilestoneLifecycle);
    const pinner = platform.apps.workspace!.get(DeliverablePinner);
    const [apply, release] = [lifecycle.apply, pinner.release];
    lifecycle.apply = async () => {
      throw new Error('simulated crash after the pin');
    };
    pinner.release = async () => undefined; // the process died before it could compensate
    try {
      for (const versionId of [stuck.versionId, other.versionId]) {
        expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: versionId })).status).toBeGreaterThanOrEqual(500);
      }
    } finally {
      lifecycle.apply = apply;
      pinner.release = release;
    }
    expect(await versionOf(stuck.fileId, stuck.versionId)).toMatchObject({ pinnedFor: `milestone:${m.id}` });

    // Within the grace period the submission might still be in flight: refused.
    const early = await unpin(stuck.fileId, stuck.versionId);
    expect([early.status, early.body.error?.code, early.body.error?.details?.reason]).toEqual([409, 'file_version_needed', 'submission']);
    // After it, the workspace says the milestone never moved from the submission's start: released.
    filesClock.now = () => new Date(Date.now() + 601_000);
    const late = await unpin(stuck.fileId, stuck.versionId);
    expect(late.status).toBe(200);
    expect(late.body.pinnedAt).toBeNull();
    filesClock.now = () => new Date();

    // The other one is settled by the milestone's next committed state (a real submission).
    const real = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'real.txt', 'the real deliverable');
    expect((await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: real.versionId })).status).toBe(200);
    await eventually(
      async () => (await versionOf(other.fileId, other.versionId)).pinnedAt === null,
      'the crashed submission’s pin is released',
    );
    expect((await api().delete(`${filesBase()}/${other.fileId}`).set(bearer(e.freelancer.token))).status).toBe(200);
    expect(await versionOf(real.fileId, real.versionId)).toMatchObject({ pinnedFor: `milestone:${m.id}` });
  });

  it('a member unpins a manual pin (freelancer side only); the version can then be deleted', async () => {
    const file = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'manual.txt', 'pinned by hand');
    const pinned = await api()
      .post(`${filesBase()}/${file.fileId}/versions/${file.versionId}/pin`)
      .set(bearer(e.collaborator.token))
      .send({ pinnedFor: 'keep for the audit' });
    expect(pinned.status).toBe(200);
    expect((await api().delete(`${filesBase()}/${file.fileId}`).set(bearer(e.freelancer.token))).status).toBe(409);

    expect((await unpin(file.fileId, file.versionId, e.client)).status).toBe(403);
    const res = await unpin(file.fileId, file.versionId, e.collaborator);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: file.versionId, pinnedAt: null, pinnedFor: null });
    expect((await unpin(file.fileId, file.versionId)).status).toBe(200); // idempotent
    expect((await api().delete(`${filesBase()}/${file.fileId}`).set(bearer(e.freelancer.token))).status).toBe(200);
  });

  it('the newest milestone state decides, whatever order its events arrive in (duplicates included)', async () => {
    const v1 = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'order-1.txt', 'first');
    const v2 = await uploadFile(platform.gatewayUrl, e.freelancer, e.workspaceId, 'order-2.txt', 'second');
    const milestoneId = randomUUID();
    const event = (version: number, deliverable: string | null, type: string = WorkspaceEvents.milestoneSubmitted): EventEnvelope => ({
      id: randomUUID(),
      type,
      tenant: { accountId: e.accountId, workspaceId: e.workspaceId },
      aggregateId: milestoneId,
      aggregateVersion: version,
      occurredAt: new Date().toISOString(),
      data: {
        milestoneId,
        workspaceId: e.workspaceId,
        accountId: e.accountId,
        title: 'm',
        amount: 100,
        currency: 'EUR',
        status: 'submitted',
        previousStatus: null,
        actorUserId: e.freelancer.userId,
        deliverableFileVersionId: deliverable,
      },
    });
    // In order this was: v4 submitted with v1, v6 resubmitted with v2, v7 approved (still v2).
    const sent = [event(7, v2.versionId, WorkspaceEvents.milestoneApproved), event(4, v1.versionId), event(6, v2.versionId)];
    for (const env of [...sent, sent[1]]) await billing.publish(env);
    await waitForInbox(
      filesDb,
      sent.map((x) => x.id),
    );
    expect((await versionOf(v1.fileId, v1.versionId)).pinnedAt).toBeNull();
    expect(await versionOf(v2.fileId, v2.versionId)).toMatchObject({ pinnedFor: `milestone:${milestoneId}` });
    expect((await unpin(v2.fileId, v2.versionId)).status).toBe(409);
    expect((await api().delete(`${filesBase()}/${v1.fileId}`).set(bearer(e.freelancer.token))).status).toBe(200);
  });
});
