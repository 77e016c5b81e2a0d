import { parseArgs } from 'node:util';
import { ensureDevKeyPair } from '@fpms/auth/key-set';
import { ServiceName, SERVICE_NAMES } from '@fpms/database';
import { platformEnv } from './platform-env';
import { dropDatabases, migrateService, provisionDatabases, provisionTopology } from './provision';
import { deleteVhost, ensureVhost } from './rabbitmq-vhost';
import { serviceMigrations } from './service-migrations';

const USAGE = `usage:
  provision-cli up [--service <name>]... [--skip-vhost] [--skip-dev-keys]
      the vhost (rabbitmqctl), the event topology, databases, roles, grants and migrations
      (of every service, or only those named), and a local JWT key pair if there is none
  provision-cli migrate --service <name>
      only the migrations of one service, as its owner role (its database and roles exist:
      made by 'up' or by the database operator); what a Kubernetes migration Job runs
  provision-cli down
      drops the databases and the vhost (test runs)
Environment: PGHOST, PGPORT, PG_ADMIN_USER, PG_ADMIN_PASSWORD, FPMS_DB_PASSWORD, AMQP_URL,
AMQP_QUEUE_TYPE, JWT_KEYS_DIR, JWT_ACTIVE_KID (tools/infra/platform-env.ts).`;

function servicesFrom(names: string[] | undefined): ServiceName[] {
  if (!names || names.length === 0) return [...SERVICE_NAMES];
  for (const name of names) {
    if (!(SERVICE_NAMES as readonly string[]).includes(name)) throw new Error(`unknown service '${name}' (${SERVICE_NAMES.join(', ')})`);
  }
  return names as ServiceName[];
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      service: { type: 'string', multiple: true },
      'skip-vhost': { type: 'boolean', default: false },
      'skip-dev-keys': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const command = positionals[0] ?? 'up';
  const platform = platformEnv();
  const services = servicesFrom(values.service);
  if (command === 'up') {
    // Where the broker's operator (or RABBITMQ_DEFAULT_VHOST in compose) makes the vhost, rabbitmqctl is not there.
    if (!values['skip-vhost'] && platform.provisionVhost) await ensureVhost(platform.vhost);
    await provisionTopology(platform.amqpUrl, undefined, platform.queueType);
    await provisionDatabases(platform, services);
    if (!values['skip-dev-keys']) ensureDevKeyPair(platform.keysDir, platform.activeKid);
    process.stdout.write(
      `[provision] ${services.join(', ')}: databases migrated, vhost ${platform.vhost} ready (${platform.queueType} queues)\n`,
    );
  } else if (command === 'migrate') {
    if (!values.service || values.service.length !== 1) throw new Error(`migrate needs exactly one --service\n${USAGE}`);
    const [service] = services;
    const applied = await migrateService(platform, service, serviceMigrations[service]);
    process.stdout.write(
      `[provision] ${service}: ${applied.length} migration(s) applied${applied.length ? `: ${applied.join(', ')}` : ''}\n`,
    );
  } else if (command === 'down') {
    await dropDatabases(platform);
    await deleteVhost(platform.vhost);
    process.stdout.write(`[provision] dropped ${platform.dbPrefix}_* and vhost ${platform.vhost}\n`);
  } else {
    throw new Error(`unknown command '${command}'\n${USAGE}`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`[provision] ${error.message}\n`);
  process.exit(1);
});
