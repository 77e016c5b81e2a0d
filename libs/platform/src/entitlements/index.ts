import { Provider } from '@nestjs/common';
import { EntitlementsCache } from './entitlements-cache';
import { EntitlementsProjection } from './entitlements-projection';
import { EntitlementsReader } from './entitlements-reader';
import { EntitlementsRepository } from './entitlements.repository';

export * from './account-entitlements.migration';
export * from './entitlements-cache';
export * from './entitlements-projection';
export * from './entitlements-reader';
export * from './entitlements.repository';
export * from './plan-error';

/** What an enforcing service adds to its module: the projection, the per-process cache and the reader. */
export const entitlementsProviders: Provider[] = [
  { provide: EntitlementsCache, useFactory: () => new EntitlementsCache() },
  EntitlementsRepository,
  EntitlementsReader,
  EntitlementsProjection,
];
