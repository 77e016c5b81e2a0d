import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

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

/** A compiled service (or any script) running as its own process, as `npm start` runs it. */
export interface BenchProcess {
  readonly pid: number;
  readonly port: number;
  /** SIGTERM, then wait for the exit (the service drains; a --cpu-prof profile is written on exit). Resolves to the exit time (performance.now()). */
  stop(): Promise<number>;
}

/**
 * `node [nodeArgs] <script>` from the repository root with `env`, its output appended to
 * `logFile`; resolves once `ready(port)` says so.
 */
export async function startProcess(options: {
  root: string;
  script: string;
  args?: string[];
  nodeArgs?: string[];
  env: Record<string, string>;
  logFile: string;
  port?: number;
  ready: (port: number, output: () => string) => Promise<boolean>;
}): Promise<BenchProcess> {
  const port = options.port ?? (await freePort());
  const log = openSync(options.logFile, 'a');
  const child: ChildProcess = spawn('node', [...(options.nodeArgs ?? []), join(options.root, options.script), ...(options.args ?? [])], {
    cwd: options.root,
    env: { ...process.env, ...options.env, HTTP_PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const output = () => readFileSync(options.logFile, 'utf8');
  let exitedAt = 0;
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve((exitedAt = performance.now()))));
  const deadline = Date.now() + 60_000;
  while (!(await options.ready(port, output))) {
    if (child.exitCode !== null) throw new Error(`${options.script} exited with ${child.exitCode}:\n${output().slice(-3000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.script} not ready within 60 s:\n${output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    pid: child.pid!,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
      return exitedAt;
    },
  };
}

export const httpReady = (path: string) => async (port: number) =>
  fetch(`http://127.0.0.1:${port}${path}`).then(
    (r) => r.status === 200,
    () => false,
  );
