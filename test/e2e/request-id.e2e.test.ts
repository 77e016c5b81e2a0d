import request from 'supertest';
import { bearer, RunningPlatform, signUp, startPlatform } from '@fpms/harness';

/** One request id from the HTTP request, through the RMQ headers, into the service's logs. */
describe('request id propagation', () => {
  let platform: RunningPlatform;
  const lines: Array<{ service: string; line: Record<string, unknown> }> = [];

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace'],
      env: { gateway: { LOG_LEVEL: 'info' }, workspace: { LOG_LEVEL: 'info' } },
      logSink: (service, line) => lines.push({ service, line }),
    });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('logs the caller-supplied X-Request-Id on the gateway and on the workspace service', async () => {
    const user = await signUp(platform.gatewayUrl);
    const requestId = `trace-${Date.now()}`;
    const res = await request(platform.gatewayUrl)
      .post('/api/v1/workspaces')
      .set(bearer(user.token))
      .set('X-Request-Id', requestId)
      .send({ name: 'Traced' });
    expect(res.status).toBe(201);
    expect(res.headers['x-request-id']).toBe(requestId);

    const deadline = Date.now() + 5000;
    const mine = () => lines.filter((l) => l.line.requestId === requestId);
    while (mine().filter((l) => l.service === 'gateway').length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const gatewayLine = mine().find((l) => l.service === 'gateway' && l.line.msg === 'http request');
    const workspaceLine = mine().find((l) => l.service === 'workspace' && l.line.msg === 'rpc handled');
    expect(gatewayLine?.line).toMatchObject({ level: 'info', method: 'POST', status: 201 });
    expect(workspaceLine?.line).toMatchObject({ level: 'info', pattern: 'workspace.workspaces.create', outcome: 'ok' });
  });

  it('makes up a request id when the caller sends none or a malformed one, and returns it', async () => {
    const res = await request(platform.gatewayUrl).get('/api/v1/workspaces').set('X-Request-Id', 'bad id with spaces');
    expect(res.status).toBe(401);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.error.requestId).toBe(res.headers['x-request-id']);
  });
});
