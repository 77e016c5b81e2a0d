import { Injectable } from '@nestjs/common';
import { EventEnvelope, MemberChangedData, WorkspaceEvents } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { NotificationMembersRepository } from './notification-members.repository';

/** Keeps notification_members in step with workspace.member.* (after the event's notifications are resolved). */
@Injectable()
export class MembershipProjection {
  constructor(private readonly members: NotificationMembersRepository) {}

  async apply(event: EventEnvelope, manager: TenantManager): Promise<void> {
    if (!event.type.startsWith('workspace.member.')) return;
    const data = event.data as MemberChangedData;
    if (event.type === WorkspaceEvents.memberRemoved || data.role === null) {
      await this.members.remove(manager, data.workspaceId, data.userId);
    } else {
      await this.members.upsert(manager, event.tenant.accountId, data.workspaceId, data.userId, data.role);
    }
  }
}
