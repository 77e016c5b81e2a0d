import { CreateMessagingTables1732300000000 } from '@fpms/messaging';
import { CreateIdempotencyKeys1733000000000 } from '@fpms/database/idempotency';
import { FilesVersionsQuotas1732300500000 } from './1732300500000-files-versions-quotas';
import { ImmutableVersionsPins1732300600000 } from './1732300600000-immutable-versions-pins';
import { AccountEntitlements1735100000000 } from '@fpms/platform/entitlements';
import { RetireAccountPlans1735100200000 } from './1735100200000-retire-account-plans';
import { BillingDocuments1736000000001 } from './1736000000001-billing-documents';
import { PersonalDataArchives1736600000000 } from './1736600000000-personal-data-archives';

/** The files service's schema, in order. Run by tools/infra/provision (never `synchronize`). */
export const filesMigrations = [
  CreateMessagingTables1732300000000,
  FilesVersionsQuotas1732300500000,
  ImmutableVersionsPins1732300600000,
  CreateIdempotencyKeys1733000000000,
  AccountEntitlements1735100000000,
  RetireAccountPlans1735100200000,
  BillingDocuments1736000000001,
  PersonalDataArchives1736600000000,
];
