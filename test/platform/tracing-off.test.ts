import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_NAMES } from '@fpms/database/service-names';

const root = join(__dirname, '..', '..');

/**
 * Tracing off (no OTEL_* asking for it) costs nothing: loading a service's whole app
 * (dist/, as deployed) loads none of the OpenTelemetry SDK. (@opentelemetry/api, the no-op
 * facade, is loaded by prom-client anyway.)
 */
describe('tracing off', () => {
  it.each(SERVICE_NAMES)('loads no OpenTelemetry SDK module in the %s service', (service) => {
    const script = `
      require('reflect-metadata');
      require('./dist/apps/${service}/src/${service}-app.js');
      require('./dist/libs/common/src/tracing/tracing.js');
      const loaded = Object.keys(require.cache).filter((f) => /node_modules\\/@opentelemetry\\/(?!api\\/)/.test(f));
      process.stdout.write(JSON.stringify([...new Set(loaded.map((f) => f.replace(/.*node_modules\\/(@opentelemetry\\/[^/]+).*/, '$1')))]));
    `;
    const result = spawnSync('node', ['-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});
