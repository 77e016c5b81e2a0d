import request from 'supertest';
import { bearer, createWorkspace, RunningPlatform, signUp, startPlatform } from '@fpms/harness';

/**
 * Secrets stay out of logs: the gateway and workspace log at debug level while a client
 * signs up through an invitation, another user accepts one, logs in and refreshes; no
 * log line of either service may contain an invitation token, a password or a token.
 */
describe('log lines never carry secrets', () => {
  let platform: RunningPlatform;
  const lines: string[] = [];

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace'],
      env: { gateway: { LOG_LEVEL: 'debug' }, workspace: { LOG_LEVEL: 'debug' } },
      logSink: (_service, line) => lines.push(JSON.stringify(line)),
    });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('redacts invitation tokens, passwords, access and refresh tokens in every line', async () => {
    const api = request(platform.gatewayUrl);
    const owner = await signUp(platform.gatewayUrl, 'Owner');
    const workspace = await createWorkspace(platform.gatewayUrl, owner);
    const secrets: string[] = [owner.password, owner.token, owner.refreshToken];

    // An invited client signs up through the token in the URL.
    const forSignup = await api
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'client_admin' });
    expect(forSignup.status).toBe(201);
    const clientPassword = 'client pass phrase 42';
    const signup = await api
      .post(`/api/v1/invitations/${forSignup.body.token}/signup`)
      .send({ email: `client-${Date.now()}@example.test`, password: clientPassword, name: 'Client Co' });
    expect(signup.status).toBe(201);
    secrets.push(forSignup.body.token, clientPassword, signup.body.accessToken, signup.body.refreshToken);

    // An existing user accepts an invitation (the token again in the URL) ...
    const joiner = await signUp(platform.gatewayUrl, 'Joiner');
    const forAccept = await api
      .post(`/api/v1/workspaces/${workspace.id}/invitations`)
      .set(bearer(owner.token))
      .send({ role: 'collaborator' });
    const accepted = await api.post(`/api/v1/invitations/${forAccept.body.token}/accept`).set(bearer(joiner.token)).send();
    expect([200, 201]).toContain(accepted.status);
    // ... a wrong token is logged as well (404), and must be masked just the same.
    const guessed = `inv_${'q'.repeat(43)}`;
    expect((await api.post(`/api/v1/invitations/${guessed}/accept`).set(bearer(joiner.token)).send()).status).toBe(404);
    secrets.push(forAccept.body.token, guessed, joiner.password, joiner.token, joiner.refreshToken);

    // Login (also a failed one) and refresh.
    const login = await api.post('/api/v1/auth/login').send({ email: joiner.email, password: joiner.password });
    expect(login.status).toBe(200);
    const wrongPassword = 'not the password 77';
    expect((await api.post('/api/v1/auth/login').send({ email: joiner.email, password: wrongPassword })).status).toBe(401);
    const refreshed = await api.post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    // A secret in a query string is masked too.
    await api.get(`/api/v1/workspaces?token=${encodeURIComponent(refreshed.body.refreshToken)}`).set(bearer(refreshed.body.accessToken));
    secrets.push(login.body.accessToken, login.body.refreshToken, wrongPassword, refreshed.body.accessToken, refreshed.body.refreshToken);

    // Logs are written asynchronously after the response.
    await new Promise((r) => setTimeout(r, 200));
    const log = lines.join('\n');
    // The flow was logged (request lines of both routes), so absence below means something.
    expect(log).toContain('/api/v1/invitations/[REDACTED]/signup');
    expect(log).toContain('/api/v1/invitations/[REDACTED]/accept');
    expect(log).toContain('rpc handled');
    for (const secret of secrets) {
      expect(secret).toEqual(expect.any(String));
      // The JWT's signature part is enough to identify a leak and cannot be a coincidence.
      const needle = secret.includes('.') ? secret.split('.').pop()! : secret;
      if (log.includes(needle)) throw new Error(`a secret leaked into the logs: ${log.split('\n').find((l) => l.includes(needle))}`);
    }
  });
});
