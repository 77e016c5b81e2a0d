import * as amqplib from 'amqplib';
import request from 'supertest';
import { bearer, RunningPlatform, signUp, startPlatform } from '@fpms/harness';

/** What the gateway answers when the service behind a route is down or hangs. */
describe('gateway when a service is down or slow', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform({
      services: ['gateway', 'workspace'],
      env: { gateway: { RPC_TIMEOUT_MS: '700' } },
    });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('answers 503 when no workspace service consumes its queue, 504 when it does not answer in time', async () => {
    const user = await signUp(platform.gatewayUrl);
    const api = request(platform.gatewayUrl);
    expect((await api.get('/api/v1/workspaces').set(bearer(user.token))).status).toBe(200);

    await platform.stop('workspace');
    const down = await api.get('/api/v1/workspaces').set(bearer(user.token));
    expect(down.status).toBe(503);
    expect(down.body.error).toMatchObject({ code: 'service_unavailable', details: { service: 'workspace' } });
    expect(down.body.error.requestId).toEqual(expect.any(String));

    // A consumer that takes requests and never answers: a hung service.
    const connection = await amqplib.connect(platform.amqpUrl);
    const channel = await connection.createChannel();
    const taken: string[] = [];
    await channel.consume('workspace.rpc', (msg) => msg && taken.push(String(msg.properties.headers?.['x-request-id'])), { noAck: false });
    try {
      const started = Date.now();
      const slow = await api.get('/api/v1/workspaces').set(bearer(user.token));
      expect(slow.status).toBe(504);
      expect(slow.body.error).toMatchObject({ code: 'gateway_timeout', details: { service: 'workspace', timeoutMs: 700 } });
      expect(Date.now() - started).toBeLessThan(5000);
      // The hung consumer took the request that timed out. It may also get the 503 one above: a request sent in
      // the moment before the gateway's presence refresh noticed the stop waits in the queue until it expires.
      expect(taken).toContain(slow.headers['x-request-id']);
    } finally {
      await channel.close();
      await connection.close();
    }
  });
});
