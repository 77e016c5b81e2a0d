import { createFpmsClient, type FpmsClient } from '@fpms/api-client';
import { markEmailVerified, startPlatform, type RunningPlatform } from '@fpms/harness';
import { randomUUID } from 'node:crypto';

/**
 * A freelancer's first day driven only through the typed client (libs/api-client, generated
 * from docs/openapi.json): the paths, bodies and answers below are checked by the compiler
 * against the document, and each answer by the response-contract hook against its schema.
 */
describe('the typed API client (libs/api-client)', () => {
  let platform: RunningPlatform;
  let anonymous: FpmsClient;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    anonymous = createFpmsClient(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.close();
  });

  async function signedIn(): Promise<{ api: FpmsClient; userId: string; accountId: string }> {
    const email = `typed-${randomUUID()}@example.test`;
    const password = 'correct horse battery staple';
    const signup = await anonymous.POST('/api/v1/auth/signup', { body: { email, password, name: 'Typed Freelancer' } });
    expect(signup.response.status).toBe(201);
    const user = signup.data!;
    await markEmailVerified(platform.gatewayUrl, user.user.id);
    const login = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
    expect(login.response.status).toBe(200);
    expect(login.data).toMatchObject({ tokenType: 'Bearer' });
    const token = (login.data as { accessToken: string }).accessToken;
    return { api: createFpmsClient(platform.gatewayUrl, token), userId: user.user.id, accountId: user.account.id };
  }

  it('signs up, creates a workspace and works a task through its versions', async () => {
    const { api, userId, accountId } = await signedIn();

    const workspace = await api.POST('/api/v1/workspaces', { body: { name: 'Typed redesign', clientName: 'Acme' } });
    expect(workspace.response.status).toBe(201);
    expect(workspace.data).toMatchObject({ name: 'Typed redesign', accountId, role: 'owner' });
    const workspaceId = workspace.data!.id;

    const listed = await api.GET('/api/v1/workspaces');
    expect(listed.data?.items.map((w) => w.id)).toContain(workspaceId);

    const created = await api.POST('/api/v1/workspaces/{workspaceId}/tasks', {
      params: { path: { workspaceId } },
      body: { title: 'Wireframes', dueDate: '2030-01-31' },
    });
    expect(created.response.status).toBe(201);
    expect(created.data).toMatchObject({ title: 'Wireframes', dueDate: '2030-01-31', version: 1, createdBy: userId });
    const taskId = created.data!.id;

    const moved = await api.PATCH('/api/v1/workspaces/{workspaceId}/tasks/{taskId}', {
      params: { path: { workspaceId, taskId } },
      body: { status: 'done', expectedVersion: 1 },
    });
    expect(moved.data).toMatchObject({ statusCategory: 'done', version: 2 });

    // The same version again: the typed error body names the conflict.
    const stale = await api.PATCH('/api/v1/workspaces/{workspaceId}/tasks/{taskId}', {
      params: { path: { workspaceId, taskId } },
      body: { title: 'Late edit', expectedVersion: 1 },
    });
    expect(stale.response.status).toBe(409);
    expect(stale.error?.error.code).toBe('task_version_conflict');

    const done = await api.GET('/api/v1/workspaces/{workspaceId}/tasks', { params: { path: { workspaceId }, query: { status: 'done' } } });
    expect(done.data?.items.map((t) => t.id)).toEqual([taskId]);

    const removed = await api.DELETE('/api/v1/workspaces/{workspaceId}/tasks/{taskId}', { params: { path: { workspaceId, taskId } } });
    expect(removed.response.status).toBe(204);
    const gone = await api.GET('/api/v1/workspaces/{workspaceId}/tasks/{taskId}', { params: { path: { workspaceId, taskId } } });
    expect(gone.response.status).toBe(404);
    expect(gone.error?.error.code).toBe('task_not_found');
  });

  it('answers a client without a token with the documented 401', async () => {
    const res = await anonymous.GET('/api/v1/workspaces');
    expect(res.response.status).toBe(401);
    expect(res.error?.error.code).toBe('unauthorized');
  });

  it('serves its own description: /api/openapi.json is docs/openapi.json, /api/docs the UI', async () => {
    const document = await fetch(`${platform.gatewayUrl}/api/openapi.json`);
    expect(document.status).toBe(200);
    const body = (await document.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/api/v1/workspaces/{workspaceId}/tasks/{taskId}');
    const ui = await fetch(`${platform.gatewayUrl}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });
});
