import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_ENTITLEMENTS, Entitlements } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EntitlementsCache } from './entitlements-cache';
import { EntitlementsRepository } from './entitlements.repository';

/**
 * What an account may do, for the checks of a request: from memory when cached, otherwise
 * read on the request's own transaction (`manager`, already scoped to that account: a
 * second connection per request could exhaust the pool), so a miss costs one primary-key
 * lookup and a hit none.
 */
@Injectable()
export class EntitlementsReader {
  constructor(
    @Inject(EntitlementsCache) private readonly cache: EntitlementsCache,
    private readonly repository: EntitlementsRepository,
  ) {}

  forAccount(manager: TenantManager, accountId: string): Promise<Entitlements> {
    return this.cache.get(accountId, async () => (await this.repository.find(manager, accountId)) ?? DEFAULT_ENTITLEMENTS);
  }
}
