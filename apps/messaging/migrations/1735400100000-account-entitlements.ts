import { AccountEntitlements1735100000000 } from '@fpms/platform/entitlements';

/**
 * Messaging's projection of `billing.entitlements.changed` (the lock and the internal-notes
 * feature are checked on every post): the shared table workspace and files have, under a
 * timestamp of its own, after the messaging migrations already run.
 */
export class MessagingAccountEntitlements1735400100000 extends AccountEntitlements1735100000000 {
  override name = 'MessagingAccountEntitlements1735400100000';
}
