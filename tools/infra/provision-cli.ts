import { ensureDevKeyPair } from '@fpms/auth/key-set';
import { platformEnv } from './platform-env';
import { dropDatabases, provisionDatabases, provisionTopology } from './provision';
import { deleteVhost, ensureVhost } from './rabbitmq-vhost';

/**
 * `provision-cli up`   creates the vhost and its event topology, databases, roles, grants, runs migrations and
 *                      makes a local JWT key pair if there is none.
 * `provision-cli down` drops the databases and the vhost (used by test runs).
 */
async function main() {
  const command = process.argv[2] ?? 'up';
  const platform = platformEnv();
  if (command === 'up') {
    await ensureVhost(platform.vhost);
    await provisionTopology(platform.amqpUrl);
    await provisionDatabases(platform);
    ensureDevKeyPair(platform.keysDir, platform.activeKid);
    process.stdout.write(`[provision] databases ${platform.dbPrefix}_* migrated, vhost ${platform.vhost} ready\n`);
  } else if (command === 'down') {
    await dropDatabases(platform);
    await deleteVhost(platform.vhost);
    process.stdout.write(`[provision] dropped ${platform.dbPrefix}_* and vhost ${platform.vhost}\n`);
  } else {
    throw new Error(`unknown command ${command} (up | down)`);
  }
}

main().catch((error: Error) => {
  process.stderr.write(`[provision] ${error.message}\n`);
  process.exit(1);
});
