import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import request from 'supertest';
import { bearer, createWorkspace, RunningPlatform, signUp, SignedUpUser, startPlatform } from '@fpms/harness';
import { discoverRoutes, DiscoveredRoute } from '../isolation/route-catalog';

/**
 * Malformed input on every gateway route (discovered from the running app, so a new
 * route is covered without touching this file): each answer is a 4xx with the error
 * body, never a 500, whoever sends it. The caller is authenticated and the workspace is
 * real, so without the guard the input would reach each route's own validation.
 */
const DEPTH = 10_000;
const deepObject = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);
const deepArray = '{"a":' + '['.repeat(DEPTH) + ']'.repeat(DEPTH) + '}';
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Res = request.Response;

function expectErrorBody(res: Res, status: number, message?: RegExp) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
  expect(res.headers['content-type']).toMatch(/application\/json/);
  expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), requestId: expect.any(String) });
  if (message) expect(res.body.error.message).toMatch(message);
}

describe('malformed input on every route', () => {
  let platform: RunningPlatform;
  let routes: DiscoveredRoute[];
  let owner: SignedUpUser;
  let workspaceId: string;

  beforeAll(async () => {
    platform = await startPlatform({ services: ['gateway', 'workspace'] });
    routes = discoverRoutes(platform.apps.gateway!);
    owner = await signUp(platform.gatewayUrl);
    workspaceId = (await createWorkspace(platform.gatewayUrl, owner)).id;
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** A concrete URL for a route: the real workspace, random ids elsewhere, a well-formed invitation token. */
  function urlOf(route: DiscoveredRoute, replace?: (param: string) => string | undefined): string {
    return route.path.replace(/:(\w+)/g, (_, param: string) => {
      const custom = replace?.(param);
      if (custom !== undefined) return custom;
      if (param === 'workspaceId') return workspaceId;
      if (param === 'token') return `inv_${'x'.repeat(43)}`;
      return randomUUID();
    });
  }

  function send(route: DiscoveredRoute, url = urlOf(route)) {
    const api = request(platform.gatewayUrl) as unknown as Record<string, (url: string) => request.Test>;
    return api[route.method.toLowerCase()](url).set(bearer(owner.token));
  }

  it('discovers the routes (and the ones below)', () => {
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/signup',
        'POST /api/v1/workspaces',
        'POST /api/v1/invitations/:token/signup',
      ]),
    );
    expect(routes.filter((r) => BODY_METHODS.has(r.method)).length).toBeGreaterThan(20);
  });

  it('answers 400 to a body nested 10,000 levels deep (objects or arrays), on every route that takes a body', async () => {
    for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
      for (const body of [deepObject, deepArray]) {
        const res = await send(route).set('Content-Type', 'application/json').send(body);
        expectErrorBody(res, 400, /nested deeper than 32 levels/);
      }
    }
  });

  it('answers 400 "body must be a JSON object" to null, an array, a string and a number', async () => {
    for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
      for (const body of ['null', '[]', '"text"', '42']) {
        const res = await send(route).set('Content-Type', 'application/json').send(body);
        expectErrorBody(res, 400, /^body must be a JSON object$/);
      }
    }
  });

  it('answers 400 naming the field to a NUL character or an unpaired surrogate in any string or key', async () => {
    for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
      for (const body of ['{"name":"a\\u0000b"}', '{"email":"\\ud800@example.test"}', '{"x":{"y":["ok","\\udc00"]}}', '{"k\\u0000":1}']) {
        const res = await send(route).set('Content-Type', 'application/json').send(body);
        expectErrorBody(res, 400, /NUL character or an unpaired UTF-16 surrogate/);
        expect(res.body.error.details.fields).toHaveLength(1);
      }
    }
  });

  it('answers 413 to a body over the size limit, with the error body', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(150 * 1024) });
    for (const route of routes.filter((r) => BODY_METHODS.has(r.method))) {
      const res = await send(route).set('Content-Type', 'application/json').send(big);
      expectErrorBody(res, 413);
      expect(res.body.error.code).toBe('payload_too_large');
    }
  });

  it('answers 400 to a NUL in any path parameter or query value, and to a malformed escape in the path', async () => {
    for (const route of routes) {
      const inQuery = await send(route, `${urlOf(route)}?before=1%00`);
      expectErrorBody(inQuery, 400, /NUL character/);
      if (!route.path.includes(':')) continue;
      const inPath = await send(
        route,
        urlOf(route, () => 'a%00b'),
      );
      expectErrorBody(inPath, 400, /NUL character/);
      const badEscape = await send(
        route,
        urlOf(route, () => '%E0%A4%A'),
      );
      expectErrorBody(badEscape, 400, /percent-encoding/);
    }
  });

  it('answers 431 with the error body to an oversized Authorization header, on every route', async () => {
    for (const route of routes) {
      const res = await send(route).set('Authorization', `Bearer ${'a'.repeat(20_000)}`);
      expectErrorBody(res, 431);
      expect(res.body.error.code).toBe('headers_too_large');
    }
  });

  it("answers a request Node's HTTP parser rejects with a JSON 400", async () => {
    const { port } = new URL(platform.gatewayUrl);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('GET /api/v1/me HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n'),
      );
      let data = '';
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    const body = JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ code: 'validation_failed', message: 'Malformed HTTP request', requestId: expect.any(String) });
  });

  it('never answers 500 to a cursor beyond bigint, on any route that reads one', async () => {
    for (const route of routes.filter((r) => r.method === 'GET')) {
      const res = await send(route, `${urlOf(route)}?before=9999999999999999999`);
      expect(res.status).not.toBe(500);
    }
    const milestones = await request(platform.gatewayUrl)
      .get(`/api/v1/workspaces/${workspaceId}/milestones?before=9999999999999999999`)
      .set(bearer(owner.token));
    expectErrorBody(milestones, 400, /before/);
    expect(milestones.body.error.details.fields).toEqual([
      { field: 'before', messages: ['before must be a cursor returned as nextBefore'] },
    ]);
    // The largest real cursor is still accepted.
    const max = await request(platform.gatewayUrl)
      .get(`/api/v1/workspaces/${workspaceId}/milestones?before=9223372036854775807`)
      .set(bearer(owner.token));
    expect(max.status).toBe(200);
  });

  it('signup: a non-string email, a lone surrogate in the email, a NUL in a workspace name are 400s', async () => {
    const api = request(platform.gatewayUrl);
    const numeric = await api.post('/api/v1/auth/signup').send({ email: 123, password: 'correct horse battery staple', name: 'N' });
    expectErrorBody(numeric, 400);
    expect(numeric.body.error.details.fields).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'email' })]));
    const surrogate = await api
      .post('/api/v1/auth/signup')
      .set('Content-Type', 'application/json')
      .send('{"email":"a\\ud800@example.test","password":"correct horse battery staple","name":"S"}');
    expectErrorBody(surrogate, 400);
    const nul = await api.post('/api/v1/workspaces').set(bearer(owner.token)).send({ name: 'bad\u0000name' });
    expectErrorBody(nul, 400);
    expect(nul.body.error.details.fields).toEqual([{ field: 'name', messages: [expect.any(String)] }]);
    const loginDeep = await api.post('/api/v1/auth/login').set('Content-Type', 'application/json').send(deepObject);
    expectErrorBody(loginDeep, 400);
    // Nothing above created anything; well-formed input still works.
    expect((await api.post('/api/v1/workspaces').set(bearer(owner.token)).send({ name: 'fine 😀' })).status).toBe(201);
  });
});
