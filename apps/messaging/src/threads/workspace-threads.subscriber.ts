import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { sideOf, WorkspaceRole } from '@fpms/auth/permissions';
import { EventEnvelope, MemberChangedData, MilestoneEventData, WorkspaceCreatedData, WorkspaceEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { EventSubscriber } from '@fpms/messaging';
import { WorkspaceMembersRepository } from '../members/workspace-members.repository';
import { ReadStateRepository } from '../read-state/read-state.repository';
import { ThreadsRepository } from './threads.repository';

/**
 * What threads take from the workspace service, through messaging's inbox (so each event
 * applies once): the general thread when a workspace is created, a thread per milestone
 * when it is proposed, and the members whose read state and unread counters are kept.
 * Every step is idempotent on its own too (unique thread per workspace / milestone,
 * membership versions), so a redelivery or a reordering changes nothing.
 */
/** The events that change which threads or which members a workspace has. */
const SERIALISED_PER_WORKSPACE: ReadonlySet<string> = new Set([
  WorkspaceEvents.workspaceCreated,
  WorkspaceEvents.milestoneProposed,
  WorkspaceEvents.memberAdded,
  WorkspaceEvents.memberRoleChanged,
  WorkspaceEvents.memberRemoved,
]);

@Injectable()
export class WorkspaceThreadsSubscriber implements EventSubscriber {
  constructor(
    private readonly threads: ThreadsRepository,
    private readonly members: WorkspaceMembersRepository,
    private readonly reads: ReadStateRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: EventEnvelope, manager: TenantManager): Promise<void> {
    const accountId = event.tenant.accountId;
    if (!SERIALISED_PER_WORKSPACE.has(event.type)) return;
    // The consumer applies events concurrently. A member joining while a thread is created
    // would otherwise miss both ways (each transaction blind to the other's uncommitted row:
    // no read state for that member in that thread, and no cursor, counts or receipts ever).
    const workspaceId = (event.data as { workspaceId?: string }).workspaceId ?? event.tenant.workspaceId;
    if (workspaceId) await this.members.lockWorkspace(manager, workspaceId);
    switch (event.type) {
      case WorkspaceEvents.workspaceCreated: {
        const data = event.data as WorkspaceCreatedData;
        await this.createThread(manager, {
          accountId,
          workspaceId: data.workspaceId,
          kind: 'general',
          milestoneId: null,
          title: 'General',
        });
        return;
      }
      case WorkspaceEvents.milestoneProposed: {
        const data = event.data as MilestoneEventData;
        await this.createThread(manager, {
          accountId,
          workspaceId: data.workspaceId,
          kind: 'milestone',
          milestoneId: data.milestoneId,
          title: data.title,
        });
        return;
      }
      case WorkspaceEvents.memberAdded:
      case WorkspaceEvents.memberRoleChanged: {
        const data = event.data as MemberChangedData;
        if (!data.role) return;
        const applied = await this.members.upsert(manager, {
          accountId,
          workspaceId: data.workspaceId,
          userId: data.userId,
          role: data.role,
          side: sideOf(data.role as WorkspaceRole),
          version: event.aggregateVersion,
        });
        if (applied) await this.reads.addMember(manager, { accountId, workspaceId: data.workspaceId, userId: data.userId });
        return;
      }
      case WorkspaceEvents.memberRemoved: {
        const data = event.data as MemberChangedData;
        const applied = await this.members.markRemoved(manager, {
          accountId,
          workspaceId: data.workspaceId,
          userId: data.userId,
          version: event.aggregateVersion,
          now: this.clock.now(),
        });
        if (applied) await this.reads.removeMember(manager, data.workspaceId, data.userId);
        return;
      }
      default:
        return;
    }
  }

  private async createThread(
    manager: TenantManager,
    input: { accountId: string; workspaceId: string; kind: 'general' | 'milestone'; milestoneId: string | null; title: string },
  ): Promise<void> {
    const id = randomUUID();
    if (!(await this.threads.create(manager, { id, ...input, now: this.clock.now() }))) return;
    await this.reads.addThread(manager, { accountId: input.accountId, workspaceId: input.workspaceId, threadId: id });
  }
}
