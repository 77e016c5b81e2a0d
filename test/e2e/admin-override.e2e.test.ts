import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, connectServiceDb, createWorkspace, RunningPlatform, signUp, SignedUpUser, startPlatform } from '@fpms/harness';

/** A platform admin crosses tenants only with a stated reason, and every such read is audited first. */
describe('platform admin override', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;
  let admin: SignedUpUser;
  let adminToken: string;
  let tenant: SignedUpUser;
  let workspaceIds: string[];
  let workspaceDb: DataSource;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    api = request(platform.gatewayUrl);
    admin = await signUp(platform.gatewayUrl, 'Platform Admin');
    const gatewayDb = await connectServiceDb('gateway', 'system', platform.dbPrefix);
    await gatewayDb.query(`update users set is_platform_admin = true where id = $1`, [admin.userId]);
    await gatewayDb.destroy();
    adminToken = (await api.post('/api/v1/auth/login').send({ email: admin.email, password: admin.password })).body.accessToken;
    tenant = await signUp(platform.gatewayUrl, 'Tenant');
    workspaceIds = [
      (await createWorkspace(platform.gatewayUrl, tenant, 'One')).id,
      (await createWorkspace(platform.gatewayUrl, tenant, 'Two')).id,
    ];
    workspaceDb = await connectServiceDb('workspace', 'system', platform.dbPrefix);
  });

  afterAll(async () => {
    await workspaceDb?.destroy();
    await platform?.close();
  });

  const auditRows = () =>
    workspaceDb.query(
      `select admin_user_id, reason, action, target_account_id, resource_ids, request_id from admin_access_audit where admin_user_id = $1 order by id`,
      [admin.userId],
    );

  it('sees nothing across tenants through the ordinary routes', async () => {
    expect((await api.get(`/api/v1/workspaces/${workspaceIds[0]}`).set(bearer(adminToken))).status).toBe(404);
    expect((await api.get('/api/v1/workspaces').set(bearer(adminToken))).body.items).toEqual([]);
    const me = await api.get('/api/v1/me').set(bearer(adminToken));
    expect(me.body.user.isPlatformAdmin).toBe(true);
  });

  it('is refused without an override reason, and nothing is audited', async () => {
    const missing = await api.get(`/api/v1/admin/accounts/${tenant.accountId}/workspaces`).set(bearer(adminToken));
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('admin_override_required');
    const short = await api
      .get(`/api/v1/admin/accounts/${tenant.accountId}/workspaces`)
      .set(bearer(adminToken))
      .set('X-Admin-Override-Reason', 'because');
    expect(short.status).toBe(403);
    expect(await auditRows()).toEqual([]);
  });

  it('reads with a reason, and the audit row names what was read', async () => {
    const reason = 'Support ticket #4711: client cannot see workspace';
    const res = await api
      .get(`/api/v1/admin/accounts/${tenant.accountId}/workspaces`)
      .set(bearer(adminToken))
      .set('X-Admin-Override-Reason', reason)
      .set('X-Request-Id', 'admin-read-1');
    expect(res.status).toBe(200);
    expect(res.body.items.map((w: { id: string }) => w.id).sort()).toEqual([...workspaceIds].sort());
    const rows = await auditRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      reason,
      action: 'account.workspaces.list',
      target_account_id: tenant.accountId,
      request_id: 'admin-read-1',
    });
    expect([...rows[0].resource_ids].sort()).toEqual([...workspaceIds].sort());
    expect(res.body.auditId).toEqual(expect.any(String));

    const audit = await api.get('/api/v1/admin/audit').set(bearer(adminToken));
    expect(audit.status).toBe(200);
    expect(audit.body.items[0]).toMatchObject({ adminUserId: admin.userId, reason });
  });

  it('is closed to everyone who is not a platform admin, whatever header they send', async () => {
    const res = await api
      .get(`/api/v1/admin/accounts/${tenant.accountId}/workspaces`)
      .set(bearer(tenant.token))
      .set('X-Admin-Override-Reason', 'I would like to see everything please');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('not_platform_admin');
    expect((await api.get('/api/v1/admin/audit').set(bearer(tenant.token))).status).toBe(403);
  });

  it('keeps the audit append-only and out of reach of the runtime role', async () => {
    await expect(workspaceDb.query(`update admin_access_audit set reason = 'nothing to see here'`)).rejects.toThrow(
      /permission denied|append-only/,
    );
    await expect(workspaceDb.query(`delete from admin_access_audit`)).rejects.toThrow(/permission denied|append-only/);
    const runtime = await connectServiceDb('workspace', 'app', platform.dbPrefix);
    try {
      await expect(runtime.query(`select * from admin_access_audit`)).rejects.toThrow(/permission denied/);
    } finally {
      await runtime.destroy();
    }
  });
});
