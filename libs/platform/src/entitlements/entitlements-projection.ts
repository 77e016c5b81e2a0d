import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntitlementsChangedData, entitlementsChangedDataSchema, EventEnvelope } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { PermanentEventError } from '@fpms/messaging/events/event-consumer';
import { EntitlementsCache } from './entitlements-cache';
import { EntitlementsRepository } from './entitlements.repository';

/**
 * Applies `billing.entitlements.changed` inside the service's inbox transaction (a
 * duplicate never gets here): the newest version wins, older or equal ones change nothing.
 * The process's cache is told before the commit, so no read racing it caches the old row.
 */
@Injectable()
export class EntitlementsProjection {
  private readonly logger = new Logger(EntitlementsProjection.name);

  constructor(
    private readonly repository: EntitlementsRepository,
    @Inject(EntitlementsCache) private readonly cache: EntitlementsCache,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    const parsed = entitlementsChangedDataSchema.safeParse(event.data);
    if (!parsed.success || parsed.data.accountId !== event.tenant.accountId || parsed.data.accountId !== event.aggregateId) {
      throw new PermanentEventError(`invalid ${event.type} payload`);
    }
    const data: EntitlementsChangedData = parsed.data;
    this.cache.invalidate(data.accountId, event.aggregateVersion);
    const applied = await this.repository.apply(manager, data, event.aggregateVersion);
    if (!applied) this.logger.log(`stale ${event.type} v${event.aggregateVersion} for account ${data.accountId} ignored`);
  }
}
