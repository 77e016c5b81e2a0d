import { ApprovalsController } from './approvals/approvals.controller';
import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { PlatformModule } from '@fpms/platform/platform.module';
import { rpcClientProviders } from '@fpms/messaging/nest/rpc-client.lifecycle';
import { AccessTokenGuard } from './auth/access-token.guard';
import { AuthController } from './auth/auth.controller';
import { InvitedSignupController } from './auth/invited-signup.controller';
import { AuthService } from './auth/auth.service';
import { AccountMembershipEntity } from './auth/entities/account-membership.entity';
import { UserEntity } from './auth/entities/user.entity';
import { PasswordHasher } from './auth/password-hasher';
import { UsersRepository } from './auth/users.repository';
import { GatewayEnv } from './config';
import { FilesController } from './files/files.controller';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { RefreshTokenEntity } from './sessions/entities/refresh-token.entity';
import { SessionsModule } from './sessions/sessions.module';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { ActivityController } from './activity/activity.controller';
import { AdminController } from './admin/admin.controller';
import { AdminDisputesController } from './admin/admin-disputes.controller';
import { AdminBillingWebhookEventsController } from './admin/billing-webhook-events.controller';
import { AdminBillingReconciliationsController } from './admin/billing-reconciliations.controller';
import { PlatformAdminGuard } from './admin/platform-admin.guard';
import { InvitationsController } from './invitations/invitations.controller';
import { MeController } from './me/me.controller';
import { MeService } from './me/me.service';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';
import { DATA_EXPORT_POLL_MS, DataExportJob } from './data-export/data-export.job';
import { DataExportService } from './data-export/data-export.service';
import { DataExportsController } from './data-export/data-exports.controller';
import { DataExportsRepository } from './data-export/data-exports.repository';
import { MembersController } from './members/members.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { MilestonesController } from './milestones/milestones.controller';
import { TasksController } from './tasks/tasks.controller';
import { HourlyContractController } from './time-tracking/hourly-contract.controller';
import { TimeTrackingController } from './time-tracking/time-tracking.controller';
import { TimeWeeksController } from './time-tracking/time-weeks.controller';
import { ConnectController } from './billing/connect.controller';
import { InvoiceProfileController, WorkspaceInvoicesController } from './billing/invoices.controller';
import { SubscriptionsController } from './billing/subscriptions.controller';
import { PayoutsController } from './billing/payouts.controller';
import { EarningsReportController } from './billing/earnings-report.controller';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { ThreadsController } from './messaging/threads.controller';
import { RealtimeEventsSubscriber } from './realtime/realtime-events.subscriber';
import { RealtimeGateway } from './realtime/realtime.gateway';
import { MyNotificationsController } from './notifications/my-notifications.controller';
import { UNSUBSCRIBE_SECRET, UnsubscribeController } from './notifications/unsubscribe.controller';
import { MySecurityController, PublicAccountSecurityController } from './security/account-security.controller';
import { AccountSecurityRepository } from './security/account-security.repository';
import { EmailSecurityService } from './security/email-security.service';
import { MoneyActionGuard } from './security/money-action.guard';
import { SECURITY_OPTIONS, SecurityEmails, SecurityOptions } from './security/security-emails';
import { TwoFactorService } from './security/two-factor.service';
import { SECURITY_TOKEN_PURGE_INTERVAL_MS, SecurityTokenPurger } from './security/security-token-purger';

/** Every HTTP controller of the public API (tools/openapi documents exactly these). */
export const GATEWAY_CONTROLLERS = [
  AuthController,
  PublicAccountSecurityController,
  MySecurityController,
  InvitedSignupController,
  MeController,
  DataExportsController,
  WorkspacesController,
  MembersController,
  InvitationsController,
  ActivityController,
  AdminController,
  AdminBillingWebhookEventsController,
  AdminBillingReconciliationsController,
  AdminDisputesController,
  FilesController,
  MilestonesController,
  ApprovalsController,
  TasksController,
  TimeTrackingController,
  HourlyContractController,
  TimeWeeksController,
  DashboardController,
  ConnectController,
  InvoiceProfileController,
  WorkspaceInvoicesController,
  SubscriptionsController,
  PayoutsController,
  EarningsReportController,
  ThreadsController,
  MyNotificationsController,
  UnsubscribeController,
] as const;

@Module({})
export class GatewayAppModule {
  static forRoot(env: GatewayEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    const security: SecurityOptions = {
      appPublicUrl: env.APP_PUBLIC_URL,
      emailVerificationTtlMs: env.EMAIL_VERIFICATION_TTL_HOURS * 3_600_000,
      passwordResetTtlMs: env.PASSWORD_RESET_TTL_MINUTES * 60_000,
      loginChallengeTtlMs: env.LOGIN_CHALLENGE_TTL_SECONDS * 1000,
      ownerTwoFactorRequired: env.OWNER_2FA_REQUIRED,
      totpEncryptionSecret: env.TOTP_ENCRYPTION_SECRET,
    };
    return {
      module: GatewayAppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'gateway',
          env,
          keys,
          logger,
          entities: [UserEntity, AccountMembershipEntity, RefreshTokenEntity],
          clock: options.clock,
        }),
        RateLimitModule.forRoot(env),
        SessionsModule.forRoot(env),
      ],
      controllers: [...GATEWAY_CONTROLLERS],
      providers: [
        ...rpcClientProviders({ amqpUrl: env.AMQP_URL, timeoutMs: env.RPC_TIMEOUT_MS }),
        { provide: UNSUBSCRIBE_SECRET, useValue: env.UNSUBSCRIBE_TOKEN_SECRET },
        AccessTokenGuard,
        PlatformAdminGuard,
        { provide: SECURITY_OPTIONS, useValue: security },
        AccountSecurityRepository,
        SecurityEmails,
        EmailSecurityService,
        TwoFactorService,
        MoneyActionGuard,
        { provide: SECURITY_TOKEN_PURGE_INTERVAL_MS, useValue: env.HOUSEKEEPING_INTERVAL_SECONDS * 1000 },
        SecurityTokenPurger,
        MeService,
        ErasureRepository,
        ErasureService,
        DataExportsRepository,
        DataExportService,
        { provide: DATA_EXPORT_POLL_MS, useValue: env.DATA_EXPORT_POLL_SECONDS * 1000 },
        DataExportJob,
        AuthService,
        PasswordHasher,
        UsersRepository,
        RealtimeGateway,
        // The realtime fan-out: one queue for all replicas, emitting through the Redis adapter.
        ...eventConsumerProviders('realtime', env.AMQP_URL, { subscriber: RealtimeEventsSubscriber }),
      ],
    };
  }
}
