import { spawn } from 'node:child_process';
import { join } from 'node:path';
import request from 'supertest';
import { SERVICE_NAMES } from '@fpms/database';
import { LOCAL_S3_BUCKET, localS3Port, platformEnv, servicePort, stripeEmulatorPort } from '../../tools/infra/platform-env';

const root = join(__dirname, '..', '..');

/**
 * What `npm start` runs after set-up: the compiled launcher with five real service
 * processes. Serial phase: it binds the fixed ports of FPMS_PORT_BASE.
 */
describe('local launcher (npm start)', () => {
  it('brings all five services up as processes, serves a signup, and stops them all on Ctrl-C', async () => {
    const child = spawn('node', ['dist/tools/dev/launch.js'], { cwd: root, env: { ...process.env, LOG_LEVEL: 'info' }, detached: true });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('FPMS is up') && Date.now() < deadline) {
        if (child.exitCode !== null) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(output).toContain('FPMS is up');

      const platform = platformEnv();
      for (const service of SERVICE_NAMES) {
        const res = await request(`http://127.0.0.1:${servicePort(platform, service)}`).get('/health/ready');
        expect({ service, status: res.status }).toEqual({ service, status: 200 });
      }
      // Without Stripe keys, the Stripe emulator runs beside them.
      const stripe = await request(`http://127.0.0.1:${stripeEmulatorPort(platform)}`)
        .get('/v1/balance')
        .set('Authorization', 'Bearer sk_test_emulator');
      expect(stripe.status).toBe(200);
      expect(stripe.body.object).toBe('balance');
      // Without S3 settings, the local S3 (s3rver) runs too, its bucket already created.
      const s3 = await request(`http://127.0.0.1:${localS3Port(platform)}`).get(`/${LOCAL_S3_BUCKET}`);
      expect(s3.status).toBe(200);
      // Each service logs with its prefix, as JSON.
      for (const service of SERVICE_NAMES) expect(output).toMatch(new RegExp(`\\[${service}\\s*\\] \\{"level":"info"`));

      const gateway = request(`http://127.0.0.1:${servicePort(platform, 'gateway')}`);
      const signup = await gateway
        .post('/api/v1/auth/signup')
        .send({ email: `launch-${Date.now()}@example.test`, password: 'a long enough password', name: 'L' });
      expect(signup.status).toBe(201);
      const created = await gateway
        .post('/api/v1/workspaces')
        .set('Authorization', `Bearer ${signup.body.accessToken}`)
        .send({ name: 'From processes' });
      expect(created.status).toBe(201);

      // Ctrl-C: SIGINT to the whole process group, as a terminal does.
      process.kill(-child.pid!, 'SIGINT');
      const code = await Promise.race([exited, new Promise<string>((r) => setTimeout(() => r('timeout'), 30_000))]);
      expect(code).not.toBe('timeout');
      for (const service of SERVICE_NAMES) {
        await expect(
          request(`http://127.0.0.1:${servicePort(platform, service)}`)
            .get('/health/live')
            .timeout(2000),
        ).rejects.toThrow();
      }
      await expect(
        request(`http://127.0.0.1:${stripeEmulatorPort(platform)}`)
          .get('/_emulator/health')
          .timeout(2000),
      ).rejects.toThrow();
      await expect(
        request(`http://127.0.0.1:${localS3Port(platform)}`)
          .get(`/${LOCAL_S3_BUCKET}`)
          .timeout(2000),
      ).rejects.toThrow();
    } finally {
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
});
