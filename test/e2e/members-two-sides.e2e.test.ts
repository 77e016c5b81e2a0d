import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  bearer,
  connectServiceDb,
  createWorkspace,
  inviteAndJoin,
  RunningPlatform,
  signUp,
  SignedUpUser,
  startPlatform,
  startTestS3,
  TestS3,
} from '@fpms/harness';
import { uploadFile } from '../files/files-fixtures';
import { BillingPublisher, engagement, Engagement, fundedMilestone, milestoneApi } from '../milestones/support';

/**
 * Two sides, and no one plays both (docs/decisions.md, "Two sides: who grants client
 * roles"): the freelancer side never adds, promotes, demotes or removes a client admin,
 * nobody crosses sides, the last client admin stays while money awaits their decision,
 * and a client admin who leaves keeps what the client paid for. Over HTTP, with the
 * files service and a local S3 for the former client's download.
 */
describe('two sides: who grants client roles', () => {
  let platform: RunningPlatform;
  let s3: TestS3;
  let billing: BillingPublisher;
  let system: DataSource;
  const api = () => request(platform.gatewayUrl);

  beforeAll(async () => {
    s3 = await startTestS3();
    platform = await startPlatform({
      services: ['gateway', 'workspace', 'files'],
      env: { files: s3.filesEnv({ FILES_CLEANUP_INTERVAL_SECONDS: '0' }), workspace: { REVIEW_TIMER_POLL_MS: '0' } },
    });
    billing = await BillingPublisher.connect(platform.amqpUrl);
    system = await connectServiceDb('workspace', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await billing?.close();
    await system?.destroy();
    await platform?.close();
    await s3?.close();
  });

  const invite = (who: SignedUpUser, workspaceId: string, body: object) =>
    api().post(`/api/v1/workspaces/${workspaceId}/invitations`).set(bearer(who.token)).send(body);
  const accept = (who: SignedUpUser, token: string) => api().post(`/api/v1/invitations/${token}/accept`).set(bearer(who.token)).send();
  const setRole = (who: SignedUpUser, workspaceId: string, userId: string, role: string) =>
    api().patch(`/api/v1/workspaces/${workspaceId}/members/${userId}`).set(bearer(who.token)).send({ role });
  const remove = (who: SignedUpUser, workspaceId: string, userId: string) =>
    api().delete(`/api/v1/workspaces/${workspaceId}/members/${userId}`).set(bearer(who.token));
  const outcome = (res: request.Response) => [res.status, res.body?.error?.code ?? 'ok'];
  const roles = async (owner: SignedUpUser, workspaceId: string) => {
    const res = await api().get(`/api/v1/workspaces/${workspaceId}/members`).set(bearer(owner.token));
    return Object.fromEntries(res.body.items.map((m: { userId: string; role: string }) => [m.userId, m.role]));
  };
  const rolesOf = (e: Engagement) => ({
    [e.freelancer.userId]: 'owner',
    [e.collaborator.userId]: 'collaborator',
    [e.client.userId]: 'client_admin',
    [e.viewer.userId]: 'client_viewer',
  });

  it('refuses the freelancer side every route to a client admin of its own: invite, promote, demote, remove', async () => {
    const e = await engagement(platform);
    const ws = e.workspaceId;
    const attempts = {
      'owner invites a second client admin': outcome(await invite(e.freelancer, ws, { role: 'client_admin' })),
      'owner invites a client viewer': outcome(await invite(e.freelancer, ws, { role: 'client_viewer' })),
      'owner promotes the collaborator to client admin': outcome(await setRole(e.freelancer, ws, e.collaborator.userId, 'client_admin')),
      'owner promotes the viewer to client admin': outcome(await setRole(e.freelancer, ws, e.viewer.userId, 'client_admin')),
      'owner demotes the client admin': outcome(await setRole(e.freelancer, ws, e.client.userId, 'client_viewer')),
      'owner removes the client admin': outcome(await remove(e.freelancer, ws, e.client.userId)),
      'owner removes the viewer': outcome(await remove(e.freelancer, ws, e.viewer.userId)),
      'collaborator invites a client admin': outcome(await invite(e.collaborator, ws, { role: 'client_admin' })),
      'collaborator demotes the client admin': outcome(await setRole(e.collaborator, ws, e.client.userId, 'client_viewer')),
    };
    expect(attempts).toEqual({
      'owner invites a second client admin': [409, 'workspace_has_client_admin'],
      'owner invites a client viewer': [403, 'role_belongs_to_other_side'],
      'owner promotes the collaborator to client admin': [409, 'role_change_crosses_sides'],
      'owner promotes the viewer to client admin': [403, 'role_belongs_to_other_side'],
      'owner demotes the client admin': [403, 'role_belongs_to_other_side'],
      'owner removes the client admin': [403, 'role_belongs_to_other_side'],
      'owner removes the viewer': [403, 'role_belongs_to_other_side'],
      'collaborator invites a client admin': [403, 'forbidden'],
      'collaborator demotes the client admin': [403, 'forbidden'],
    });
    expect(await roles(e.freelancer, ws)).toEqual(rolesOf(e));
  });

  it("voids the owner's spare first-client-admin invitation once the client is in; the owner may still revoke it", async () => {
    const owner = await signUp(platform.gatewayUrl, 'Freelancer');
    const ws = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const forClient = (await invite(owner, ws, { role: 'client_admin' })).body;
    const spare = (await invite(owner, ws, { role: 'client_admin', maxUses: 5 })).body;
    expect([forClient.status, spare.status]).toEqual(['active', 'active']);

    const client = await signUp(platform.gatewayUrl, 'Client');
    expect((await accept(client, forClient.token)).status).toBe(201);
    const secondAccountOfOwner = await signUp(platform.gatewayUrl, 'Freelancer, other login');
    expect(outcome(await accept(secondAccountOfOwner, spare.token))).toEqual([409, 'workspace_has_client_admin']);
    expect(await roles(owner, ws)).toEqual({ [owner.userId]: 'owner', [client.userId]: 'client_admin' });

    // The use was given back; the issuing side can withdraw its invitation.
    const listed = await api().get(`/api/v1/workspaces/${ws}/invitations`).set(bearer(owner.token));
    expect(listed.body.items.find((i: { id: string }) => i.id === spare.id)).toMatchObject({ uses: 0, status: 'active' });
    expect((await api().delete(`/api/v1/workspaces/${ws}/invitations/${spare.id}`).set(bearer(owner.token))).body.status).toBe('revoked');
  });

  it('lets a client admin run the client side, and only it; the owner keeps the freelancer side', async () => {
    const e = await engagement(platform);
    const ws = e.workspaceId;
    // Client admins invite to the client side, both roles, whenever they like.
    const colleague = await inviteAndJoin(platform.gatewayUrl, e.client, ws, 'client_viewer');
    expect(outcome(await setRole(e.client, ws, colleague.userId, 'client_admin'))).toEqual([200, 'ok']);
    expect(outcome(await setRole(colleague, ws, colleague.userId, 'client_viewer'))).toEqual([200, 'ok']);
    const deputy = await inviteAndJoin(platform.gatewayUrl, e.client, ws, 'client_admin');
    expect(outcome(await remove(e.client, ws, deputy.userId))).toEqual([204, 'ok']);
    expect(outcome(await remove(e.client, ws, colleague.userId))).toEqual([204, 'ok']);

    const ownersInvitation = (await invite(e.freelancer, ws, { role: 'collaborator' })).body;
    expect({
      'client admin invites a collaborator': outcome(await invite(e.client, ws, { role: 'collaborator' })),
      'client admin changes the collaborator': outcome(await setRole(e.client, ws, e.collaborator.userId, 'collaborator')),
      'client admin removes the collaborator': outcome(await remove(e.client, ws, e.collaborator.userId)),
      'client admin moves the viewer to the freelancer side': outcome(await setRole(e.client, ws, e.viewer.userId, 'collaborator')),
      "client admin revokes the owner's collaborator invitation": outcome(
        await api().delete(`/api/v1/workspaces/${ws}/invitations/${ownersInvitation.id}`).set(bearer(e.client.token)),
      ),
      'viewer invites a viewer': outcome(await invite(e.viewer, ws, { role: 'client_viewer' })),
    }).toEqual({
      'client admin invites a collaborator': [403, 'role_belongs_to_other_side'],
      'client admin changes the collaborator': [403, 'role_belongs_to_other_side'],
      'client admin removes the collaborator': [403, 'role_belongs_to_other_side'],
      'client admin moves the viewer to the freelancer side': [409, 'role_change_crosses_sides'],
      "client admin revokes the owner's collaborator invitation": [403, 'role_belongs_to_other_side'],
      'viewer invites a viewer': [403, 'forbidden'],
    });
    expect((await api().get(`/api/v1/workspaces/${ws}/invitations`).set(bearer(e.client.token))).status).toBe(200);

    // The freelancer side still manages its own people.
    const helper = await inviteAndJoin(platform.gatewayUrl, e.freelancer, ws, 'collaborator');
    expect(outcome(await remove(e.freelancer, ws, helper.userId))).toEqual([204, 'ok']);
    expect(await roles(e.freelancer, ws)).toEqual(rolesOf(e));
    const activity = await api().get(`/api/v1/workspaces/${ws}/activity?limit=200`).set(bearer(e.freelancer.token));
    expect(activity.body.items).toContainEqual(
      expect.objectContaining({
        action: 'member.removed',
        actorUserId: e.client.userId,
        targetId: deputy.userId,
        before: { role: 'client_admin' },
      }),
    );
  });

  it("keeps everyone on the freelancer's side of an account out of its workspaces' client side, and its clients out of its team", async () => {
    const owner = await signUp(platform.gatewayUrl, 'Freelancer');
    const w1 = (await createWorkspace(platform.gatewayUrl, owner, 'One')).id;
    const w2 = (await createWorkspace(platform.gatewayUrl, owner, 'Two')).id;
    const fresh = (await createWorkspace(platform.gatewayUrl, owner, 'No client yet')).id;
    const collaborator = await inviteAndJoin(platform.gatewayUrl, owner, w1, 'collaborator');
    const client = await inviteAndJoin(platform.gatewayUrl, owner, w2, 'client_admin');

    const firstAdminInvite = (await invite(owner, fresh, { role: 'client_admin', maxUses: 3 })).body.token;
    const emailBound = (await invite(client, w2, { role: 'client_admin', email: collaborator.email })).body.token;
    const clientsInvite = (await invite(client, w2, { role: 'client_viewer', maxUses: 3 })).body.token;
    const teamInvite = (await invite(owner, w1, { role: 'collaborator' })).body.token;
    expect({
      'collaborator takes the first client-admin seat': outcome(await accept(collaborator, firstAdminInvite)),
      'owner takes the first client-admin seat': outcome(await accept(owner, firstAdminInvite)),
      'collaborator through an invitation bound to their email': outcome(await accept(collaborator, emailBound)),
      "collaborator through the client's own invitation": outcome(await accept(collaborator, clientsInvite)),
      "owner through the client's own invitation": outcome(await accept(owner, clientsInvite)),
      "the client joins the freelancer's team": outcome(await accept(client, teamInvite)),
    }).toEqual({
      'collaborator takes the first client-admin seat': [409, 'freelancer_side_member'],
      'owner takes the first client-admin seat': [409, 'already_member'],
      'collaborator through an invitation bound to their email': [409, 'freelancer_side_member'],
      "collaborator through the client's own invitation": [409, 'freelancer_side_member'],
      "owner through the client's own invitation": [409, 'already_member'],
      "the client joins the freelancer's team": [409, 'client_side_member'],
    });
    expect(await roles(owner, fresh)).toEqual({ [owner.userId]: 'owner' });
    expect(await roles(owner, w1)).toEqual({ [owner.userId]: 'owner', [collaborator.userId]: 'collaborator' });
    // The rule is per freelancer account: another freelancer's workspace takes them as a client.
    const other = await signUp(platform.gatewayUrl, 'Another freelancer');
    const otherWs = (await createWorkspace(platform.gatewayUrl, other)).id;
    expect(outcome(await accept(collaborator, (await invite(other, otherWs, { role: 'client_admin' })).body.token))).toEqual([201, 'ok']);
  });

  it('numbers membership events per workspace, monotonic across removal and re-join', async () => {
    const owner = await signUp(platform.gatewayUrl, 'Freelancer');
    const ws = (await createWorkspace(platform.gatewayUrl, owner)).id;
    const collaborator = await inviteAndJoin(platform.gatewayUrl, owner, ws, 'collaborator');
    expect((await remove(owner, ws, collaborator.userId)).status).toBe(204);
    await inviteAndJoin(platform.gatewayUrl, owner, ws, 'collaborator', collaborator);
    const events: Array<{ type: string; aggregateId: string; aggregateVersion: number }> = (
      await system.query(
        `select payload->>'type' as type, payload->>'aggregateId' as "aggregateId", (payload->>'aggregateVersion')::bigint as "aggregateVersion"
           from outbox_messages where routing_key like 'workspace.member.%' and payload->'tenant'->>'workspaceId' = $1 order by seq`,
        [ws],
      )
    ).map((r: { type: string; aggregateId: string; aggregateVersion: string }) => ({ ...r, aggregateVersion: Number(r.aggregateVersion) }));
    expect(events).toEqual([
      { type: 'workspace.member.added', aggregateId: `${ws}:${owner.userId}`, aggregateVersion: 1 },
      { type: 'workspace.member.added', aggregateId: `${ws}:${collaborator.userId}`, aggregateVersion: 2 },
      { type: 'workspace.member.removed', aggregateId: `${ws}:${collaborator.userId}`, aggregateVersion: 3 },
      { type: 'workspace.member.added', aggregateId: `${ws}:${collaborator.userId}`, aggregateVersion: 4 },
    ]);
  });

  it('refuses (409) to remove or demote the last client admin while a milestone holds money awaiting a decision', async () => {
    const e = await engagement(platform);
    const ws = e.workspaceId;
    await fundedMilestone(platform, e, billing, system);
    expect(outcome(await setRole(e.client, ws, e.client.userId, 'client_viewer'))).toEqual([409, 'last_client_admin_with_escrow']);
    expect(outcome(await remove(e.client, ws, e.client.userId))).toEqual([409, 'last_client_admin_with_escrow']);
    expect(await roles(e.freelancer, ws)).toEqual(rolesOf(e));

    // With a second client admin the first may go; the second is then the last.
    const successor = await inviteAndJoin(platform.gatewayUrl, e.client, ws, 'client_admin');
    expect(outcome(await remove(e.client, ws, e.client.userId))).toEqual([204, 'ok']);
    expect(outcome(await setRole(successor, ws, successor.userId, 'client_viewer'))).toEqual([409, 'last_client_admin_with_escrow']);
    expect(outcome(await remove(successor, ws, e.viewer.userId))).toEqual([204, 'ok']);
  });

  it('lets only one of two client admins removing each other at once go through while money is in escrow', async () => {
    const e = await engagement(platform);
    const ws = e.workspaceId;
    await fundedMilestone(platform, e, billing, system);
    const second = await inviteAndJoin(platform.gatewayUrl, e.client, ws, 'client_admin');
    const [a, b] = await Promise.all([remove(e.client, ws, second.userId), remove(second, ws, e.client.userId)]);
    // Membership changes queue on the workspace's sequence row: the second sees the first's result
    // (its caller is gone: 404), never "both removed" and never a deadlock's 500.
    expect([a.status, b.status].sort()).toEqual([204, 404]);
    const admins = Object.entries(await roles(e.freelancer, ws)).filter(([, role]) => role === 'client_admin');
    expect(admins).toHaveLength(1);
  });

  it('lets a removed client admin read and download the deliverable of a milestone they paid for, and nothing else', async () => {
    const e = await engagement(platform);
    const ws = e.workspaceId;
    const ms = milestoneApi(platform, e);
    const paid = await fundedMilestone(platform, e, billing, system);
    const unpaid = (await ms.create(e.freelancer, { title: 'Later', amount: 5_000, currency: 'EUR' })).body.id;
    const delivered = await uploadFile(platform.gatewayUrl, e.freelancer, ws, 'design.pdf', 'the delivered design', 'application/pdf');
    expect((await ms.act(e.freelancer, paid.id, 'submit', { deliverableFileVersionId: delivered.versionId })).status).toBe(200);
    expect((await ms.act(e.client, paid.id, 'approve')).body.status).toBe('approved');
    // After delivery: a newer version of the same file, and another file.
    const newer = await api()
      .post(`/api/v1/workspaces/${ws}/files/${delivered.fileId}/versions`)
      .set(bearer(e.freelancer.token))
      .send({ size: 5, contentType: 'application/pdf' });
    await fetch(newer.body.upload.url, { method: 'PUT', body: 'newer', headers: { 'Content-Type': 'application/pdf' } });
    await api()
      .post(`/api/v1/workspaces/${ws}/files/${delivered.fileId}/versions/${newer.body.version.id}/complete`)
      .set(bearer(e.freelancer.token))
      .send({});
    const other = await uploadFile(platform.gatewayUrl, e.freelancer, ws, 'notes.txt', 'internal notes');

    const successor = await inviteAndJoin(platform.gatewayUrl, e.client, ws, 'client_admin');
    expect((await remove(successor, ws, e.client.userId)).status).toBe(204);

    const former = e.client;
    const get = (path: string) => api().get(`/api/v1/workspaces/${ws}${path}`).set(bearer(former.token));
    const paidView = await get(`/milestones/${paid.id}`);
    expect(paidView.status).toBe(200);
    expect(paidView.body).toMatchObject({ id: paid.id, status: 'approved', deliverableFileVersionId: delivered.versionId });
    const download = await get(`/files/${delivered.fileId}/download?versionId=${delivered.versionId}`);
    expect(download.status).toBe(200);
    expect(await (await fetch(download.body.url)).text()).toBe('the delivered design');

    const refused = {
      'the newer version': (await get(`/files/${delivered.fileId}/download?versionId=${newer.body.version.id}`)).status,
      'the latest version': (await get(`/files/${delivered.fileId}/download`)).status,
      'the file itself': (await get(`/files/${delivered.fileId}`)).status,
      'another file': (await get(`/files/${other.fileId}/download?versionId=${other.versionId}`)).status,
      'an unpaid milestone': (await get(`/milestones/${unpaid}`)).status,
      'the milestone list': (await get(`/milestones`)).status,
      'the workspace': (await get('')).status,
      'the members': (await get('/members')).status,
      'the dashboard': (await get('/dashboard')).status,
      'a decision': (await ms.act(former, paid.id, 'request-refund')).status,
    };
    expect(refused).toEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, 404])));
    // Current members are unaffected by the former client's grants.
    expect((await api().get(`/api/v1/workspaces/${ws}/files/${delivered.fileId}/download`).set(bearer(e.viewer.token))).status).toBe(200);
  });
});
