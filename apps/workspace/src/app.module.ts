import { DynamicModule, Module } from '@nestjs/common';
import type { Logger as PinoLogger } from 'pino';
import { KeySet } from '@fpms/auth/key-set';
import { Clock } from '@fpms/common/scheduling/clock';
import { eventConsumerProviders } from '@fpms/messaging/nest/event-consumer.lifecycle';
import { PlatformModule } from '@fpms/platform/platform.module';
import { AccessController } from './access/access.controller';
import { FormerClientsRepository } from './access/former-clients.repository';
import { WorkspaceAccess } from './access/workspace-access';
import { AccountUsageController } from './accounts/account-usage.controller';
import { AccountUsageRepository } from './accounts/account-usage.repository';
import { AccountsController } from './accounts/accounts.controller';
import { AccountsRepository } from './accounts/accounts.repository';
import { AccountsService } from './accounts/accounts.service';
import { AccountEntity } from './accounts/entities/account.entity';
import { ActivityController } from './activity/activity.controller';
import { ActivityLogRepository } from './activity/activity-log.repository';
import { AdminAccessService } from './admin/admin-access.service';
import { AdminAuditRepository } from './admin/admin-audit.repository';
import { AdminController } from './admin/admin.controller';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardProjectionRepository } from './dashboard/dashboard-projection.repository';
import { DashboardRepository } from './dashboard/dashboard.repository';
import { DashboardService } from './dashboard/dashboard.service';
import { BillingEventsSubscriber } from './milestones/billing-events.subscriber';
import { DeliverablePinner, FilesDeliverablePinner, UncheckedDeliverablePinner } from './milestones/deliverable-pinner';
import { rpcClientProviders } from '@fpms/messaging/nest/rpc-client.lifecycle';
import { MilestoneLifecycle } from './milestones/milestone-lifecycle';
import { MilestonesController } from './milestones/milestones.controller';
import { MilestonesRepository } from './milestones/milestones.repository';
import { MilestonesService } from './milestones/milestones.service';
import { MoneyEventsRepository } from './milestones/money-events.repository';
import { InvitationPurgeRepository } from './housekeeping/invitation-purge.repository';
import { INVITATION_PURGE_OPTIONS, InvitationPurger, invitationPurgeOptions } from './housekeeping/invitation-purger';
import { REVIEW_TIMER_OPTIONS, ReviewTimerOptions, ReviewTimerPoller } from './review-timers/review-timer.poller';
import { ReviewTimersRepository } from './review-timers/review-timers.repository';
import { ReviewTimerClaimsRepository } from './review-timers/review-timer-claims.repository';
import { TasksController } from './tasks/tasks.controller';
import { TasksRepository } from './tasks/tasks.repository';
import { TasksService } from './tasks/tasks.service';
import { WorkspaceEnv } from './config';
import { InvitationsController } from './invitations/invitations.controller';
import { InvitationsRepository } from './invitations/invitations.repository';
import { InvitationTokenLookupRepository } from './invitations/invitation-token-lookup.repository';
import { InvitationsService } from './invitations/invitations.service';
import { MembersController } from './members/members.controller';
import { MembersRepository } from './members/members.repository';
import { MembersService } from './members/members.service';
import { WorkspaceEntity } from './workspaces/entities/workspace.entity';
import { WorkspacesController } from './workspaces/workspaces.controller';
import { WorkspacesRepository } from './workspaces/workspaces.repository';
import { WorkspacesService } from './workspaces/workspaces.service';
import { IdempotencyKeysPurge } from '@fpms/database/idempotency-purge';
import { AdminDisputesService } from './disputes/admin-disputes.service';
import { CrossTenantDisputesRepository } from './disputes/cross-tenant-disputes.repository';
import { DisputeDeadlinePoller } from './disputes/dispute-deadline.poller';
import { ApprovalRecords } from './approvals/approval-events';
import { APPROVAL_OPTIONS, ApprovalOptions } from './approvals/approval-options';
import { ApprovalPoliciesRepository } from './approvals/approval-policies.repository';
import { ApprovalPoliciesService } from './approvals/approval-policies.service';
import { ApprovalRequestsRepository } from './approvals/approval-requests.repository';
import { ApprovalTimerPoller } from './approvals/approval-timer.poller';
import { ApprovalChainsService } from './approvals/approval-chains.service';
import { ApprovalsController } from './approvals/approvals.controller';
import { CrossTenantApprovalsRepository } from './approvals/cross-tenant-approvals.repository';
import { StaleApprovals } from './approvals/stale-approvals';
import { DISPUTE_OPTIONS, DisputeOptions } from './disputes/dispute-options';
import { DisputeRecords } from './disputes/dispute-records';
import { DisputeResolver } from './disputes/dispute-resolver';
import { DisputesController } from './disputes/disputes.controller';
import { DisputesRepository } from './disputes/disputes.repository';
import { DisputesService } from './disputes/disputes.service';
import { EvidenceChecker } from './disputes/evidence-checker';
import { entitlementsProviders } from '@fpms/platform/entitlements';
import { AccountStandingsService } from './entitlements/account-standings.service';
import { EntitlementsController } from './entitlements/entitlements.controller';
import { PlanUsageRepository } from './entitlements/plan-usage.repository';
import { WorkspaceEventsSubscriber } from './entitlements/workspace-events.subscriber';
import { ErasureController } from './erasure/erasure.controller';
import { ErasureRepository } from './erasure/erasure.repository';
import { ErasureService } from './erasure/erasure.service';
import { PersonalDataController } from './personal-data/personal-data.controller';
import { PersonalDataRepository } from './personal-data/personal-data.repository';
import { PersonalDataService } from './personal-data/personal-data.service';
import { AccountTimeZoneRepository } from './time-tracking/account-time-zone.repository';
import { HourlyContractsRepository } from './time-tracking/hourly-contracts.repository';
import { HourlyContractsService } from './time-tracking/hourly-contracts.service';
import { TimeEntriesRepository } from './time-tracking/time-entries.repository';
import { TimeEntriesService } from './time-tracking/time-entries.service';
import { TimeEntryRecords } from './time-tracking/time-entry-records';
import { TimeTotalsRepository } from './time-tracking/time-totals.repository';
import { TimeTrackingController } from './time-tracking/time-tracking.controller';
import { TimerService } from './time-tracking/timer.service';
import { WeeklyCap } from './time-tracking/weekly-cap';
import { TimeWeeksRepository } from './time-tracking/time-weeks.repository';
import { TimeWeekClaimsRepository } from './time-tracking/time-week-claims.repository';
import { TimeWeekEvents } from './time-tracking/time-week-events';
import { TimeWeekApprovals } from './time-tracking/time-week-approvals';
import { TIME_WEEK_OPTIONS, TimeWeekOptions } from './time-tracking/time-week-options';
import { WeekCloser } from './time-tracking/week-closer';
import { WeekClosePoller } from './time-tracking/week-close.poller';
import { WeekReviewPoller } from './time-tracking/week-review.poller';
import { TimeWeeksService } from './time-tracking/time-weeks.service';
import { TimeWeekBillingSubscriber } from './time-tracking/time-week-billing.subscriber';

@Module({})
export class WorkspaceAppModule {
  static forRoot(env: WorkspaceEnv, keys: KeySet, logger: PinoLogger, options: { clock?: Clock } = {}): DynamicModule {
    const timerOptions: ReviewTimerOptions = {
      pollIntervalMs: env.REVIEW_TIMER_POLL_MS,
      leaseMs: env.REVIEW_TIMER_LEASE_MS,
      batchSize: 100,
    };
    const disputeOptions: DisputeOptions = {
      responseDays: env.DISPUTE_RESPONSE_DAYS,
      pollIntervalMs: env.DISPUTE_DEADLINE_POLL_MS,
      leaseMs: env.REVIEW_TIMER_LEASE_MS,
      batchSize: 100,
    };
    const approvalOptions: ApprovalOptions = {
      reminderHours: env.APPROVAL_REMINDER_HOURS,
      escalationHours: Math.max(env.APPROVAL_ESCALATION_HOURS, env.APPROVAL_REMINDER_HOURS),
      pollIntervalMs: env.APPROVAL_TIMER_POLL_MS,
      leaseMs: env.REVIEW_TIMER_LEASE_MS,
      batchSize: 100,
    };
    const timeWeekOptions: TimeWeekOptions = {
      reviewDays: env.TIME_WEEK_REVIEW_DAYS,
      disputeResponseDays: env.DISPUTE_RESPONSE_DAYS,
      pollIntervalMs: env.TIME_WEEK_POLL_MS,
      leaseMs: env.REVIEW_TIMER_LEASE_MS,
      batchSize: 100,
    };
    return {
      module: WorkspaceAppModule,
      imports: [
        PlatformModule.forRoot({
          service: 'workspace',
          env,
          keys,
          logger,
          entities: [AccountEntity, WorkspaceEntity],
          clock: options.clock,
        }),
      ],
      controllers: [
        AccessController,
        AccountsController,
        AccountUsageController,
        WorkspacesController,
        MembersController,
        InvitationsController,
        ActivityController,
        AdminController,
        MilestonesController,
        TasksController,
        DashboardController,
        DisputesController,
        EntitlementsController,
        ApprovalsController,
        ErasureController,
        PersonalDataController,
        TimeTrackingController,
      ],
      providers: [
        WorkspaceAccess,
        FormerClientsRepository,
        ActivityLogRepository,
        AccountsRepository,
        AccountUsageRepository,
        AccountsService,
        WorkspacesRepository,
        WorkspacesService,
        MembersRepository,
        MembersService,
        InvitationsRepository,
        InvitationTokenLookupRepository,
        InvitationsService,
        AdminAuditRepository,
        AdminAccessService,
        MilestonesRepository,
        MoneyEventsRepository,
        MilestoneLifecycle,
        MilestonesService,
        { provide: DeliverablePinner, useClass: env.DELIVERABLE_PINNING === 'files' ? FilesDeliverablePinner : UncheckedDeliverablePinner },
        ...rpcClientProviders({ amqpUrl: env.AMQP_URL, timeoutMs: env.RPC_TIMEOUT_MS }),
        ReviewTimersRepository,
        ReviewTimerClaimsRepository,
        { provide: REVIEW_TIMER_OPTIONS, useValue: timerOptions },
        ReviewTimerPoller,
        IdempotencyKeysPurge,
        InvitationPurgeRepository,
        { provide: INVITATION_PURGE_OPTIONS, useValue: invitationPurgeOptions(env) },
        InvitationPurger,
        TasksRepository,
        TasksService,
        DashboardProjectionRepository,
        DashboardRepository,
        DashboardService,
        { provide: DISPUTE_OPTIONS, useValue: disputeOptions },
        DisputesRepository,
        CrossTenantDisputesRepository,
        DisputeRecords,
        DisputeResolver,
        EvidenceChecker,
        DisputesService,
        AdminDisputesService,
        DisputeDeadlinePoller,
        // Approval chains in front of milestone actions (docs/approvals.md).
        { provide: APPROVAL_OPTIONS, useValue: approvalOptions },
        ApprovalPoliciesRepository,
        ApprovalRequestsRepository,
        CrossTenantApprovalsRepository,
        ApprovalRecords,
        StaleApprovals,
        ApprovalChainsService,
        ApprovalPoliciesService,
        ApprovalTimerPoller,
        // Plans: billing's entitlements projected here, read from memory on every check.
        ...entitlementsProviders,
        PlanUsageRepository,
        AccountStandingsService,
        // Billing's money facts and entitlements, through the inbox (DESIGN §3).
        BillingEventsSubscriber,
        // Personal-data erasure (issue 18 part 5): its blockers, and gateway.user.erased.
        ErasureRepository,
        ErasureService,
        PersonalDataRepository,
        PersonalDataService,
        // Time tracking and hourly contracts (issue 20, docs/time-tracking.md).
        TimeEntriesRepository,
        TimeTotalsRepository,
        HourlyContractsRepository,
        AccountTimeZoneRepository,
        WeeklyCap,
        TimeEntryRecords,
        TimeEntriesService,
        TimerService,
        HourlyContractsService,
        // The weekly cycle: the close, the client's review, billing's payment facts.
        { provide: TIME_WEEK_OPTIONS, useValue: timeWeekOptions },
        TimeWeeksRepository,
        TimeWeekClaimsRepository,
        TimeWeekEvents,
        TimeWeekApprovals,
        WeekCloser,
        WeekClosePoller,
        WeekReviewPoller,
        TimeWeeksService,
        TimeWeekBillingSubscriber,
        ...eventConsumerProviders('workspace', env.AMQP_URL, { subscriber: WorkspaceEventsSubscriber }),
      ],
    };
  }
}
