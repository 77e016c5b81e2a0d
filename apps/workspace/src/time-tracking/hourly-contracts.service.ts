import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { Clock } from '@fpms/common/scheduling/clock';
import { HourlyContractEventData, HourlyContractView, WorkspaceEvents } from '@fpms/contracts';
import { idempotent } from '@fpms/database/idempotency';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging';
import { assertNotLocked, EntitlementsReader } from '@fpms/platform/entitlements';
import { Actor } from '../access/actor';
import { WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { AccountTimeZoneRepository } from './account-time-zone.repository';
import { HourlyContractRow, HourlyContractsRepository, toHourlyContractView } from './hourly-contracts.repository';
import { TimeEntriesRepository } from './time-entries.repository';
import { TimeTrackingError } from './time-tracking.errors';

const EVENT_OF = {
  proposed: WorkspaceEvents.hourlyContractProposed,
  active: WorkspaceEvents.hourlyContractActivated,
  ended: WorkspaceEvents.hourlyContractEnded,
} as const;

/**
 * The workspace's hourly contract: the freelancer's owner proposes the terms (rate per hour,
 * optional weekly cap), the client admin accepts them (proposed → active), either side's
 * admin ends it. Collecting the client's payment method and the weekly charges are billing's
 * (docs/time-tracking.md).
 */
@Injectable()
export class HourlyContractsService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly contracts: HourlyContractsRepository,
    private readonly entries: TimeEntriesRepository,
    private readonly timeZones: AccountTimeZoneRepository,
    private readonly activity: ActivityLogRepository,
    private readonly outbox: OutboxWriter,
    private readonly entitlements: EntitlementsReader,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  get(actor: Actor, workspaceId: string): Promise<HourlyContractView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ReadTime, async (manager) => {
      const current = await this.contracts.current(manager, workspaceId);
      if (!current) throw TimeTrackingError.contractNotFound();
      return toHourlyContractView(current);
    });
  }

  propose(
    actor: Actor,
    workspaceId: string,
    input: { rateMinor: number; currency: string; weeklyCapHours?: number },
  ): Promise<HourlyContractView> {
    return this.access.run(
      actor,
      workspaceId,
      WorkspaceAction.ProposeHourlyContract,
      idempotent(actor, async (manager, scope) => {
        assertNotLocked(await this.entitlements.forAccount(manager, scope.accountId));
        const open = await this.contracts.current(manager, workspaceId, true);
        if (open) throw TimeTrackingError.contractExists(open.status);
        const row = await this.contracts.insert(manager, {
          id: randomUUID(),
          accountId: scope.accountId,
          workspaceId,
          rateMinor: input.rateMinor,
          currency: input.currency,
          weeklyCapHours: input.weeklyCapHours ?? null,
          by: actor.userId,
          now: this.clock.now(),
        });
        await this.changed(manager, scope, actor, null, row);
        return toHourlyContractView(row);
      }),
    );
  }

  accept(actor: Actor, workspaceId: string, contractId: string): Promise<HourlyContractView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.AcceptHourlyContract, async (manager, scope) => {
      const open = await this.contracts.current(manager, workspaceId, true);
      // Only the terms the client read: a contract withdrawn and proposed again has another id.
      if (!open || open.id !== contractId) throw TimeTrackingError.contractNotFound();
      if (open.status !== 'proposed') throw TimeTrackingError.contractNotProposed(open.status);
      const row = await this.contracts.activate(manager, open.id, actor.userId, this.clock.now());
      await this.changed(manager, scope, actor, open, row);
      return toHourlyContractView(row);
    });
  }

  /** Ends the active contract, or withdraws (owner) / declines (client admin) the proposed one. */
  end(actor: Actor, workspaceId: string): Promise<HourlyContractView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.EndHourlyContract, async (manager, scope) => {
      const open = await this.contracts.current(manager, workspaceId, true);
      if (!open) throw TimeTrackingError.contractNotFound();
      const row = await this.contracts.end(manager, open.id, actor.userId, this.clock.now());
      await this.changed(manager, scope, actor, open, row);
      return toHourlyContractView(row);
    });
  }

  /**
   * Sets the account's time zone (where its days and weeks begin). Only while the account has
   * logged no time: every day and week already counted — and billed — would otherwise move.
   */
  setTimeZone(actor: Actor, workspaceId: string, timeZone: string): Promise<{ timeZone: string }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ProposeHourlyContract, async (manager, scope) => {
      if (!(await this.timeZones.known(manager, timeZone))) throw TimeTrackingError.unknownTimeZone(timeZone);
      const before = await this.timeZones.getForUpdate(manager, scope.accountId);
      if (before === timeZone) return { timeZone };
      if (await this.entries.hasAny(manager, scope.accountId)) throw TimeTrackingError.timeZoneLocked();
      await this.timeZones.set(manager, scope.accountId, timeZone);
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'account.time_zone_changed',
        targetType: 'account',
        targetId: scope.accountId,
        before: { timeZone: before },
        after: { timeZone },
        requestId: actor.requestId,
      });
      return { timeZone };
    });
  }

  private async changed(
    manager: TenantManager,
    scope: WorkspaceScope,
    actor: Actor,
    before: HourlyContractRow | null,
    after: HourlyContractRow,
  ): Promise<void> {
    const terms = (r: HourlyContractRow) => ({
      status: r.status,
      rateMinor: Number(r.rate_minor),
      currency: r.currency,
      weeklyCapHours: r.weekly_cap_hours,
    });
    await this.activity.record(manager, {
      ...scope,
      actorUserId: actor.userId,
      action: `hourly_contract.${after.status === 'active' ? 'activated' : after.status}`,
      targetType: 'hourly_contract',
      targetId: after.id,
      before: before ? terms(before) : undefined,
      after: terms(after),
      requestId: actor.requestId,
    });
    const data: HourlyContractEventData = {
      contractId: after.id,
      workspaceId: after.workspace_id,
      accountId: after.account_id,
      ...terms(after),
      actorUserId: actor.userId,
    };
    await this.outbox.add(manager, {
      type: EVENT_OF[after.status],
      tenant: { accountId: after.account_id, workspaceId: after.workspace_id },
      aggregateId: after.id,
      aggregateVersion: after.version,
      requestId: actor.requestId,
      occurredAt: this.clock.now().toISOString(),
      data,
    });
  }
}
