import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ServiceName } from '@fpms/database/service-names';
import { platformEnv, serviceEnv } from '../../tools/infra/platform-env';
import { RunningPlatform } from './platform';

const root = join(__dirname, '..', '..');

/** A TCP port nothing listens on right now (for a process a test starts on a port it must know). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A service running as its own OS process (compiled, from dist/), so a test can SIGKILL it. */
export interface ServiceProcess {
  readonly pid: number;
  /** Kills the process without warning (no shutdown hooks, no acks, no commits) and waits for it to exit. */
  kill(): Promise<void>;
  /** Output so far, for a failing test's message. */
  output(): string;
}

/**
 * Starts `dist/apps/<service>/src/main.js` against a platform's databases and vhost (as the
 * in-process app would run) and waits for /health/ready. Stop the platform's in-process
 * copy first if only this one should serve. `npm test` builds dist/ before running tests.
 */
export async function startServiceProcess(
  platform: RunningPlatform,
  service: ServiceName,
  env: Record<string, string> = {},
  options: { port?: number } = {},
): Promise<ServiceProcess> {
  // A fixed port lets a restarted process take over where webhooks and clients point.
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn('node', [join('dist', 'apps', service, 'src', 'main.js')], {
    cwd: root,
    env: {
      ...process.env,
      ...serviceEnv(platformEnv({ ...process.env, FPMS_DB_PREFIX: platform.dbPrefix }), service),
      ...(service === 'billing' ? (platform.stripe?.billingEnv ?? {}) : {}),
      AMQP_URL: platform.amqpUrl,
      HTTP_PORT: String(port),
      LOG_LEVEL: process.env.TEST_SERVICE_LOG_LEVEL ?? 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${service} process exited with ${child.exitCode}:\n${output}`);
    const status = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`${service} process not ready within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { pid: child.pid!, kill, output: () => output };
}
