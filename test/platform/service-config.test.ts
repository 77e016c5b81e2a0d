import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** A service with a missing or malformed variable refuses to start and says which one. */
describe('service configuration at boot', () => {
  const run = (env: Record<string, string>) =>
    spawnSync('node', ['dist/apps/workspace/src/main.js'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', ...env },
      encoding: 'utf8',
      timeout: 30_000,
    });

  it('names each missing variable and exits 78', () => {
    const result = run({ DB_USER: 'x' });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('workspace: cannot start');
    expect(result.stderr).toMatch(/DB_NAME is required but not set/);
    expect(result.stderr).toMatch(/DB_SYSTEM_USER is required but not set/);
    expect(result.stderr).toMatch(/JWT_KEYS_DIR is required but not set/);
    expect(result.stderr).not.toMatch(/DB_USER is required/);
  });

  it('names a malformed variable', () => {
    const result = run({
      DB_NAME: 'd',
      DB_USER: 'u',
      DB_SYSTEM_USER: 's',
      JWT_KEYS_DIR: '/tmp',
      HTTP_PORT: 'eighty',
      AMQP_URL: 'http://nope',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/HTTP_PORT: /);
    expect(result.stderr).toMatch(/AMQP_URL: must be an amqp/);
  });

  it('refuses an OpenTelemetry protocol its exporter does not speak, and a malformed endpoint', () => {
    const result = run({
      DB_NAME: 'd',
      DB_USER: 'u',
      DB_SYSTEM_USER: 's',
      JWT_KEYS_DIR: '/tmp',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL: only http\/json is supported/);
    expect(result.stderr).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT: must be an http:\/\/ or https:\/\/ URL/);
  });
});
