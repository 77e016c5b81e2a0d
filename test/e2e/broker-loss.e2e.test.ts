import * as amqplib from 'amqplib';
import request from 'supertest';
import { bearer, RunningPlatform, signUp, startPlatform } from '@fpms/harness';
import { deleteVhost, ensureVhost } from '../../tools/infra/rabbitmq-vhost';

/**
 * The broker connection dies while a request is in flight (its reply can never arrive:
 * direct reply-to is bound to the connection). The caller gets a retryable 503 at once,
 * not a 504 after the RPC timeout and never a 500. The broker is the shared one: only
 * this platform's own vhost is deleted, which closes exactly this platform's connections.
 */
describe('gateway when the broker connection is lost mid-request', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'], env: { gateway: { RPC_TIMEOUT_MS: '30000' } } });
  });

  afterAll(async () => {
    await ensureVhost(platform.vhost).catch(() => undefined);
    await platform?.close();
  });

  it('answers 503 with Retry-After to the call in flight and to calls while the broker is gone', async () => {
    const user = await signUp(platform.gatewayUrl);
    const api = request(platform.gatewayUrl);
    await platform.stop('workspace');

    // A consumer that takes the request and holds it: the call is in flight.
    const connection = await amqplib.connect(platform.amqpUrl);
    connection.on('error', () => undefined); // the broker closes it below
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    let taken!: () => void;
    const tookRequest = new Promise<void>((resolve) => (taken = resolve));
    await channel.consume('workspace.rpc', (msg) => msg && taken(), { noAck: false });

    const inFlight = api
      .get('/api/v1/workspaces')
      .set(bearer(user.token))
      .then((res) => res);
    await tookRequest;
    await deleteVhost(platform.vhost);
    const res = await inFlight;
    expect(res.status).toBe(503);
    expect(res.body.error).toMatchObject({ code: 'service_unavailable', requestId: expect.any(String) });
    expect(res.headers['retry-after']).toMatch(/^\d+$/);

    const whileGone = await api.get('/api/v1/workspaces').set(bearer(user.token));
    expect(whileGone.status).toBe(503);
    expect(whileGone.body.error.code).toBe('service_unavailable');
    expect(whileGone.headers['retry-after']).toMatch(/^\d+$/);
  });
});
