import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, RunningPlatform, startPlatform, startTestS3, TestS3 } from '@fpms/harness';
import { uploadFile } from '../files/files-fixtures';
import { BillingPublisher, engagement, Engagement, fundedMilestone, milestoneApi, systemDb } from './support';

/**
 * Submission pins the deliverable in the files service (the production setting,
 * DELIVERABLE_PINNING=files): the version the client approves cannot be deleted, and a
 * version that is not there, not finished or not this workspace's is refused.
 */
describe('milestone deliverables are pinned in the files service', () => {
  let platform: RunningPlatform;
  let s3: TestS3;
  let e: Engagement;
  let billing: BillingPublisher;
  let system: DataSource;

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }), workspace: { REVIEW_TIMER_POLL_MS: '0' } },
    });
    e = await engagement(platform);
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await systemDb(platform);
  });

  afterAll(async () => {
    await billing?.close();
    await system?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const api = () => request(platform.gatewayUrl);
  const filesBase = () => `/api/v1/workspaces/${e.workspaceId}/files`;

  it('pins the submitted version: it shows as pinned for the milestone and cannot be deleted', async () => {
    const ms = milestoneApi(platform, e);
    const m = await fundedMilestone(platform, e, billing, system);
    const { fileId, versionId } = await uploadFile(
      platform.gatewayUrl,
      e.freelancer,
      e.workspaceId,
      'design-v1.pdf',
      'the delivered design',
      'application/pdf',
    );

    const submitted = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: versionId });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', deliverableFileVersionId: versionId });

    const file = await api().get(`${filesBase()}/${fileId}`).set(bearer(e.client.token));
    expect(file.status).toBe(200);
    const version = file.body.versions.find((v: { id: string }) => v.id === versionId);
    expect(version).toMatchObject({ pinnedBy: e.freelancer.userId, pinnedFor: `milestone:${m.id}` });
    expect(version.pinnedAt).toEqual(expect.any(String));

    const deleteVersion = await api().delete(`${filesBase()}/${fileId}/versions/${versionId}`).set(bearer(e.freelancer.token));
    expect(deleteVersion.status).toBe(409);
    const deleteFile = await api().delete(`${filesBase()}/${fileId}`).set(bearer(e.freelancer.token));
    expect(deleteFile.status).toBe(409);
    // The client can still download exactly what was delivered.
    const download = await api().get(`${filesBase()}/${fileId}/download?versionId=${versionId}`).set(bearer(e.client.token));
    expect(download.status).toBe(200);
    expect(await (await fetch(download.body.url)).text()).toBe('the delivered design');
  });

  it('refuses a version that does not exist, is unfinished or belongs to another workspace, and leaves the milestone funded', async () => {
    const ms = milestoneApi(platform, e);
    const m = await fundedMilestone(platform, e, billing, system);
    const other = await engagement(platform);
    const foreign = await uploadFile(platform.gatewayUrl, other.freelancer, other.workspaceId, 'theirs.txt', 'not yours');
    const unfinished = await api()
      .post(filesBase())
      .set(bearer(e.freelancer.token))
      .send({ name: 'later.txt', size: 10, contentType: 'text/plain' });
    expect(unfinished.status).toBe(201);

    for (const versionId of ['0b6f8a9e-3c1d-4e2f-8a7b-9c0d1e2f3a4b', foreign.versionId, unfinished.body.version.id]) {
      const res = await ms.act(e.freelancer, m.id, 'submit', { deliverableFileVersionId: versionId });
      expect({ versionId, status: res.status, code: res.body.error?.code }).toEqual({
        versionId,
        status: 422,
        code: 'deliverable_rejected',
      });
    }
    expect((await ms.get(e.freelancer, m.id)).body.status).toBe('funded');
  });
});
