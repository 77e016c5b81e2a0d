import { DataSource } from 'typeorm';
import { serviceDatabaseName, serviceRoles } from '@fpms/database';
import { adminPgConfig } from './env';

/**
 * Test shortcut of issue 18's email verification, the way grantPlan shortcuts plans:
 * startPlatform registers each gateway it starts, and signUp marks the users it creates
 * verified in that gateway's database (a verified user is what nearly every suite means
 * by "a user"). Suites about verification sign up through the API themselves.
 */
interface RegisteredGateway {
  dbPrefix: string;
  pg?: { host: string; port: number };
  db?: Promise<DataSource>;
}

const gateways = new Map<string, RegisteredGateway>();

export function registerTestGateway(gatewayUrl: string, dbPrefix: string, pg?: { host: string; port: number }): void {
  gateways.set(gatewayUrl, { dbPrefix, pg });
}

export async function unregisterTestGateway(gatewayUrl: string): Promise<void> {
  const gateway = gateways.get(gatewayUrl);
  gateways.delete(gatewayUrl);
  if (gateway?.db) await (await gateway.db).destroy().catch(() => undefined);
}

function gatewayDb(gateway: RegisteredGateway): Promise<DataSource> {
  if (!gateway.db) {
    const admin = adminPgConfig();
    gateway.db = new DataSource({
      type: 'postgres',
      host: gateway.pg?.host ?? admin.host,
      port: gateway.pg?.port ?? admin.port,
      database: serviceDatabaseName('gateway', gateway.dbPrefix),
      username: serviceRoles('gateway').system,
      password: process.env.FPMS_DB_PASSWORD ?? 'fpms-local-only',
      extra: { max: 2 },
    }).initialize();
  }
  return gateway.db;
}

/** Marks the user's email verified, as its verification link would; false when the gateway is not one startPlatform started. */
export async function markEmailVerified(gatewayUrl: string, userId: string): Promise<boolean> {
  const gateway = gateways.get(gatewayUrl);
  if (!gateway) return false;
  await (
    await gatewayDb(gateway)
  ).query(`update users set email_verified_at = now() where id = $1 and email_verified_at is null`, [userId]);
  return true;
}
