import { Injectable } from '@nestjs/common';
import {
  AccountCreatedData,
  accountPlanChangedDataSchema,
  BillingAccountEvents,
  DEFAULT_PLAN,
  EventEnvelope,
  isPlanId,
  WorkspaceEvents,
} from '@fpms/contracts';
import { EventSubscriber, PermanentEventError } from '@fpms/messaging';
import { AccountPlansRepository } from './account-plans.repository';
import type { TenantManager } from '@fpms/database/tenant-manager';

/** Keeps `account_plans` in step with the workspace service (new accounts) and billing (plan changes). */
@Injectable()
export class PlanEventsSubscriber implements EventSubscriber {
  constructor(private readonly plans: AccountPlansRepository) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (event.type === WorkspaceEvents.accountCreated) {
      const data = event.data as AccountCreatedData;
      await this.plans.insertIfAbsent(manager, event.tenant.accountId, isPlanId(data.plan) ? data.plan : DEFAULT_PLAN);
      return;
    }
    if (event.type === BillingAccountEvents.accountPlanChanged) {
      const parsed = accountPlanChangedDataSchema.safeParse(event.data);
      if (!parsed.success || parsed.data.accountId !== event.tenant.accountId) {
        throw new PermanentEventError(`invalid ${event.type} payload`);
      }
      await this.plans.applyChange(manager, event.tenant.accountId, parsed.data.plan, event.aggregateVersion);
    }
  }
}
