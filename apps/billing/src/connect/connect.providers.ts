import { ConnectAccountsRepository, CrossTenantConnectAccountsRepository } from './connect-accounts.repository';
import { ConnectService } from './connect.service';
import { ConnectStateRecorder } from './connect-state-recorder';
import { StripeConnectAccounts } from './stripe-connect-accounts';

/** Connect onboarding's providers (its controller and event handler are registered in app.module). */
export const CONNECT_PROVIDERS = [
  StripeConnectAccounts,
  ConnectAccountsRepository,
  CrossTenantConnectAccountsRepository,
  ConnectStateRecorder,
  ConnectService,
];
