import request from 'supertest';
import { queueTypes } from '@fpms/testing/broker-control';
import { bearer, RunningPlatform, signUp, startPlatform, tapEvents } from '@fpms/harness';

/**
 * AMQP_QUEUE_TYPE=quorum (the prod overlay's setting): every durable queue the platform
 * declares — event queues with their retry queues and DLQs, and each service's RPC queue —
 * is a quorum queue, and requests and events flow through them as through classic ones.
 * (The broker-restart test runs the stream over both types.)
 */
describe('the platform on quorum queues', () => {
  let platform: RunningPlatform;

  beforeAll(async () => {
    platform = await startPlatform({ queueType: 'quorum' });
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('declares every durable queue as a quorum queue and serves requests and events over them', async () => {
    const user = await signUp(platform.gatewayUrl, 'Quinn');
    const tap = await tapEvents(['workspace.workspace.*'], { amqpUrl: platform.amqpUrl });
    try {
      const created = await request(platform.gatewayUrl)
        .post('/api/v1/workspaces')
        .set(bearer(user.token))
        .send({ name: 'Replicated', clientName: 'Acme' });
      expect(created.status).toBe(201);
      const events = await tap.waitFor((seen) => seen.length >= 1);
      expect(events.map((e) => [e.body.type, e.body.aggregateId])).toEqual([['workspace.workspace.created', created.body.id]]);
    } finally {
      await tap.close();
    }

    const types = await queueTypes('', platform.amqpUrl);
    const durable = [...types.entries()];
    const names = durable.map(([name]) => name);
    expect(names).toEqual(
      expect.arrayContaining(['workspace.rpc', 'billing.rpc', 'billing.events', 'billing.events.dlq', 'files.events.retry.1']),
    );
    expect(durable.filter(([, type]) => type !== 'quorum')).toEqual([]);
  });
});
