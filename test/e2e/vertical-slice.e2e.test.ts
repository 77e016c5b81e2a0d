import request from 'supertest';
import { generateKeyPair, AccessTokenService, keySetFromPair } from '@fpms/auth';
import { bearer, RunningPlatform, signUp, startPlatform, tapEvents } from '@fpms/harness';

/**
 * The first vertical slice over HTTP with all five services running against the run's
 * real PostgreSQL databases and RabbitMQ vhost.
 */
describe('gateway → workspace vertical slice', () => {
  let platform: RunningPlatform;
  let api: ReturnType<typeof request>;

  beforeAll(async () => {
    platform = await startPlatform();
    api = request(platform.gatewayUrl);
  });

  afterAll(async () => {
    await platform?.close();
  });

  it('answers /health/live and /health/ready on every service', async () => {
    for (const [service, app] of Object.entries(platform.apps)) {
      const server = app!.getHttpServer();
      const live = await request(server).get('/health/live');
      expect({ service, status: live.status }).toEqual({ service, status: 200 });
      const ready = await request(server).get('/health/ready');
      expect({ service, status: ready.status }).toEqual({ service, status: 200 });
      expect(ready.body.info).toMatchObject({ database: { status: 'up' }, broker: { status: 'up' } });
    }
  });

  it('signs a freelancer up, logs in, creates, lists and fetches a workspace', async () => {
    const user = await signUp(platform.gatewayUrl, 'Ada');

    const login = await api.post('/api/v1/auth/login').send({ email: user.email.toUpperCase(), password: user.password });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 600 });
    const token = login.body.accessToken as string;

    const tap = await tapEvents(['workspace.workspace.*'], { amqpUrl: platform.amqpUrl });
    try {
      const created = await api.post('/api/v1/workspaces').set(bearer(token)).send({ name: 'Website redesign', clientName: 'Acme' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'Website redesign',
        clientName: 'Acme',
        accountId: user.accountId,
        createdBy: user.userId,
      });

      const listed = await api.get('/api/v1/workspaces').set(bearer(token));
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((w: { id: string }) => w.id)).toEqual([created.body.id]);

      const fetched = await api.get(`/api/v1/workspaces/${created.body.id}`).set(bearer(token));
      expect(fetched.status).toBe(200);
      expect(fetched.body).toEqual(created.body);

      // Exactly one event, through the outbox, for exactly this workspace.
      const events = await tap.waitFor((e) => e.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(events.map((e) => [e.routingKey, e.body.aggregateId, e.body.tenant.accountId])).toEqual([
        ['workspace.workspace.created', created.body.id, user.accountId],
      ]);
      expect(events[0].messageId).toBe((events[0].body as unknown as { id: string }).id);
    } finally {
      await tap.close();
    }
  });

  it('never shows one account a workspace of another (404, not listed)', async () => {
    const alice = await signUp(platform.gatewayUrl, 'Alice');
    const mallory = await signUp(platform.gatewayUrl, 'Mallory');
    const created = await api.post('/api/v1/workspaces').set(bearer(alice.token)).send({ name: 'Private engagement' });
    expect(created.status).toBe(201);

    const probe = await api.get(`/api/v1/workspaces/${created.body.id}`).set(bearer(mallory.token));
    expect(probe.status).toBe(404);
    expect(probe.body.error).toMatchObject({ code: 'workspace_not_found' });

    const list = await api.get('/api/v1/workspaces').set(bearer(mallory.token));
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);

    const own = await api.get(`/api/v1/workspaces/${created.body.id}`).set(bearer(alice.token));
    expect(own.status).toBe(200);
  });

  it('rejects a second signup with the same email (409), and wrong passwords (401)', async () => {
    const user = await signUp(platform.gatewayUrl);
    const again = await api.post('/api/v1/auth/signup').send({ email: user.email, password: 'another long password', name: 'Dup' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('email_taken');

    const wrong = await api.post('/api/v1/auth/login').send({ email: user.email, password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await api.post('/api/v1/auth/login').send({ email: 'nobody@example.test', password: 'not the password' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toEqual({ ...wrong.body.error, requestId: unknown.body.error.requestId });
  });

  it('answers 401 without a token, with a token from a foreign key, and with garbage', async () => {
    expect((await api.get('/api/v1/workspaces')).status).toBe(401);
    const foreign = new AccessTokenService(keySetFromPair(generateKeyPair('test-1')));
    const forged = foreign.sign({
      sub: '7b0c1a52-6a8e-4e0e-9a53-6ae3b1d1c001',
      acc: '7b0c1a52-6a8e-4e0e-9a53-6ae3b1d1c002',
      email: 'x@example.test',
    });
    const res = await api.get('/api/v1/workspaces').set(bearer(forged));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
    expect((await api.get('/api/v1/workspaces').set(bearer('not.a.token'))).status).toBe(401);
  });

  it('answers malformed JSON and unknown or invalid fields with 400 and the error body', async () => {
    const user = await signUp(platform.gatewayUrl);
    const malformed = await api
      .post('/api/v1/workspaces')
      .set(bearer(user.token))
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'req-malformed-1')
      .send('{"name": "oops"');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({
      error: {
        code: 'invalid_json',
        message: 'Request body is not valid JSON',
        details: { reason: expect.any(String) },
        requestId: 'req-malformed-1',
      },
    });
    expect(malformed.headers['x-request-id']).toBe('req-malformed-1');

    const unknownField = await api.post('/api/v1/workspaces').set(bearer(user.token)).send({ name: 'ok', admin: true });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('validation_failed');
    expect(unknownField.body.error.details.fields).toEqual([{ field: 'admin', messages: [expect.stringMatching(/should not exist/)] }]);

    const badSignup = await api.post('/api/v1/auth/signup').send({ email: 'not-an-email', password: 'short', name: '' });
    expect(badSignup.status).toBe(400);
    expect(badSignup.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'name', 'password']);

    const unknownRoute = await api.get('/api/v1/nope').set(bearer(user.token));
    expect(unknownRoute.status).toBe(404);
    expect(unknownRoute.body.error.code).toBeDefined();

    const malformedId = await api.get('/api/v1/workspaces/not-a-uuid').set(bearer(user.token));
    expect(malformedId.status).toBe(404);

    // Nothing was created by any of the rejected requests.
    const list = await api.get('/api/v1/workspaces').set(bearer(user.token));
    expect(list.body.items).toEqual([]);
  });
});
