import { Injectable } from '@nestjs/common';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** The account's time zone: where its days and weeks (Monday 00:00) begin. */
@Injectable()
export class AccountTimeZoneRepository {
  async get(manager: TenantManager, accountId: string): Promise<string> {
    const [row] = await manager.query(`select time_zone from accounts where id = $1`, [accountId]);
    return row.time_zone;
  }

  /** Locks the account row: a change waits for entries being written, and entries wait for a change. */
  async getForUpdate(manager: TenantManager, accountId: string): Promise<string> {
    const [row] = await manager.query(`select time_zone from accounts where id = $1 for update`, [accountId]);
    return row.time_zone;
  }

  async set(manager: TenantManager, accountId: string, timeZone: string): Promise<void> {
    await manager.query(`update accounts set time_zone = $2 where id = $1`, [accountId, timeZone]);
  }

  /** Whether PostgreSQL's time zone database knows the name (what the week arithmetic uses). */
  async known(manager: TenantManager, timeZone: string): Promise<boolean> {
    const [row] = await manager.query(`select 1 from pg_timezone_names where name = $1`, [timeZone]);
    return !!row;
  }
}
