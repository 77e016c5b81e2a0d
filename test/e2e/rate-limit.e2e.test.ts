import { createServer } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { connectServiceDb, RunningPlatform, signUp, SignedUpUser, startPlatform, uniqueName } from '@fpms/harness';

/** A TCP port nothing listens on: a Redis that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Brute-force protection against the real Redis: two gateway replicas (two in-process
 * platforms with the same key prefix) share every counter. Client IPs are simulated with
 * X-Forwarded-For, which the gateway believes only because TRUST_PROXY=loopback.
 */
describe('rate limits on login and refresh', () => {
  const limits = {
    TRUST_PROXY: 'loopback',
    RATE_LIMIT_LOGIN_IP: '5/60',
    RATE_LIMIT_LOGIN_ACCOUNT: '3/900',
    RATE_LIMIT_REFRESH_IP: '4/60',
    RATE_LIMIT_REFRESH_SESSION: '3/60',
  };
  const gatewayEnv = { ...limits, RATE_LIMIT_PREFIX: `${uniqueName('rl')}:` };
  let a: RunningPlatform;
  let b: RunningPlatform;
  let db: DataSource;
  let ipCounter = 0;
  /** A fresh client address per scenario, so scenarios never share a per-IP budget. */
  const nextIp = () => `198.51.100.${++ipCounter}`;

  const login = (url: string, ip: string, email: string, password: string) =>
    request(url).post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ email, password });
  const refresh = (url: string, ip: string, refreshToken: string) =>
    request(url).post('/api/v1/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken });
  const nobody = () => `nobody-${uniqueName('x')}@example.test`;

  const expect429 = (res: request.Response, maxSeconds: number) => {
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
    expect(res.body).toEqual({
      error: {
        code: 'rate_limited',
        message: expect.any(String),
        details: { retryAfterSeconds: retryAfter },
        requestId: expect.any(String),
      },
    });
  };

  beforeAll(async () => {
    a = await startPlatform({ services: ['gateway', 'workspace'], env: { gateway: gatewayEnv } });
    // A second replica: its own process and memory; the same database, vhost and Redis prefix.
    b = await startPlatform({ services: ['gateway'], env: { gateway: gatewayEnv }, shareWith: a });
    db = await connectServiceDb('gateway', 'system', a.dbPrefix);
  });

  afterAll(async () => {
    await db?.destroy();
    await b?.close();
    await a?.close();
  });

  it('answers the N+1-th login from one IP with 429 and Retry-After, whatever the credentials', async () => {
    const user = await signUp(a.gatewayUrl);
    const ip = nextIp();
    for (let i = 0; i < 5; i++) expect((await login(a.gatewayUrl, ip, nobody(), 'wrong password')).status).toBe(401);

    const started = Date.now();
    const blocked = await login(a.gatewayUrl, ip, user.email, user.password);
    expect429(blocked, 60);
    expect(Date.now() - started).toBeLessThan(2000);

    // The limit is per IP: the same user from elsewhere is fine.
    expect((await login(a.gatewayUrl, nextIp(), user.email, user.password)).status).toBe(200);
  });

  it('locks an account after repeated failures from any IP, resets on success, and leaves other accounts alone', async () => {
    const alice = await signUp(a.gatewayUrl, 'Alice');
    const bob = await signUp(a.gatewayUrl, 'Bob');

    // Two failures, then a success: the success clears the count.
    for (let i = 0; i < 2; i++) expect((await login(a.gatewayUrl, nextIp(), alice.email, 'wrong password')).status).toBe(401);
    expect((await login(a.gatewayUrl, nextIp(), alice.email, alice.password)).status).toBe(200);

    // Three failures from three addresses (never more than one per IP)...
    for (let i = 0; i < 3; i++) expect((await login(a.gatewayUrl, nextIp(), alice.email, 'wrong password')).status).toBe(401);
    // ...lock the email: even the right password from a fresh address is refused, in any letter case.
    expect429(await login(a.gatewayUrl, nextIp(), alice.email, alice.password), 900);
    expect429(await login(a.gatewayUrl, nextIp(), alice.email.toUpperCase(), alice.password), 900);

    // Bob, from the attacker's last address, is not affected.
    const shared = nextIp();
    expect429(await login(a.gatewayUrl, shared, alice.email, alice.password), 900);
    expect((await login(a.gatewayUrl, shared, bob.email, bob.password)).status).toBe(200);
  });

  it('shares the counters between two gateway replicas through Redis', async () => {
    const user = await signUp(a.gatewayUrl);
    // Per IP: five attempts spread over both replicas exhaust the budget on both.
    const ip = nextIp();
    for (const url of [a.gatewayUrl, b.gatewayUrl, a.gatewayUrl, b.gatewayUrl, a.gatewayUrl]) {
      expect((await login(url, ip, nobody(), 'wrong password')).status).toBe(401);
    }
    expect429(await login(b.gatewayUrl, ip, user.email, user.password), 60);
    expect429(await login(a.gatewayUrl, ip, user.email, user.password), 60);

    // Per account: failures on one replica lock the email on the other.
    const victim = await signUp(a.gatewayUrl);
    for (const url of [a.gatewayUrl, b.gatewayUrl, a.gatewayUrl]) {
      expect((await login(url, nextIp(), victim.email, 'wrong password')).status).toBe(401);
    }
    expect429(await login(b.gatewayUrl, nextIp(), victim.email, victim.password), 900);
  });

  it('limits refreshes per IP, before looking at the token', async () => {
    const ip = nextIp();
    for (const url of [a.gatewayUrl, b.gatewayUrl, a.gatewayUrl, b.gatewayUrl]) {
      const res = await refresh(url, ip, 'rt_not-a-token');
      expect(res.status).toBe(401);
    }
    const user = await signUp(a.gatewayUrl);
    expect429(await refresh(a.gatewayUrl, ip, user.refreshToken), 60);
    // The refused request did not spend the token.
    expect((await refresh(b.gatewayUrl, nextIp(), user.refreshToken)).status).toBe(200);
  });

  it('limits rotations per session; a refused refresh spends nothing', async () => {
    const user: SignedUpUser = await signUp(a.gatewayUrl);
    let token = user.refreshToken;
    for (const url of [a.gatewayUrl, b.gatewayUrl, a.gatewayUrl]) {
      const res = await refresh(url, nextIp(), token);
      expect(res.status).toBe(200);
      token = res.body.refreshToken;
    }
    expect429(await refresh(b.gatewayUrl, nextIp(), token), 60);
    // Rolled back: the token is neither spent nor revoked, so a later retry is not a "reuse".
    const [row] = await db.query(`select used_at, revoked_at from refresh_tokens where id = $1`, [/^rt_([0-9a-f-]{36})\./.exec(token)![1]]);
    expect(row).toEqual({ used_at: null, revoked_at: null });
  });

  it('limits signups per IP (they run argon2 too), for freelancers and invited clients alike', async () => {
    const limited = await startPlatform({
      services: ['gateway'],
      env: { gateway: { RATE_LIMIT_SIGNUP_IP: '2/600', RATE_LIMIT_PREFIX: `${uniqueName('rl')}:` } },
      shareWith: a,
    });
    try {
      const signup = () =>
        request(limited.gatewayUrl)
          .post('/api/v1/auth/signup')
          .send({ email: `${uniqueName('s')}@example.test`, password: 'a long enough password', name: 'S' });
      expect((await signup()).status).toBe(201);
      expect((await signup()).status).toBe(201);
      expect429(await signup(), 600);
      const invited = await request(limited.gatewayUrl)
        .post(`/api/v1/invitations/inv_${'x'.repeat(43)}/signup`)
        .send({ email: `${uniqueName('s')}@example.test`, password: 'a long enough password', name: 'S' });
      expect429(invited, 600);
    } finally {
      await limited.close();
    }
  });

  it('ignores X-Forwarded-For from clients when TRUST_PROXY is off (the default)', async () => {
    const plain = await startPlatform({
      services: ['gateway'],
      env: { gateway: { RATE_LIMIT_LOGIN_IP: '2/60', RATE_LIMIT_PREFIX: `${uniqueName('rl')}:` } },
      shareWith: a,
    });
    try {
      for (let i = 0; i < 2; i++) expect((await login(plain.gatewayUrl, nextIp(), nobody(), 'wrong password')).status).toBe(401);
      // A new forged address does not buy a new budget: the socket's address is what counts.
      expect429(await login(plain.gatewayUrl, nextIp(), nobody(), 'wrong password'), 60);
    } finally {
      await plain.close();
    }
  });

  it('keeps limiting, per replica, when Redis is unreachable: logins still work and never hang', async () => {
    const down = await startPlatform({
      services: ['gateway'],
      env: { gateway: { ...limits, RATE_LIMIT_PREFIX: `${uniqueName('rl')}:`, REDIS_URL: `redis://127.0.0.1:${await closedPort()}` } },
      shareWith: a,
    });
    try {
      // Redis is not one of the gateway's readiness dependencies: it degrades, it does not go unready.
      expect((await request(down.apps.gateway!.getHttpServer()).get('/health/ready')).status).toBe(200);
      const user = await signUp(a.gatewayUrl);
      const ip = nextIp();
      const started = Date.now();
      expect((await login(down.gatewayUrl, ip, user.email, user.password)).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      for (let i = 0; i < 4; i++) expect((await login(down.gatewayUrl, ip, nobody(), 'wrong password')).status).toBe(401);
      expect429(await login(down.gatewayUrl, ip, user.email, user.password), 60);
    } finally {
      await down.close();
    }
  });
});
