import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { WorkspaceAction } from '@fpms/auth/permissions';
import { CreatedInvitationView, InvitationView, MyWorkspaceView, WorkspaceEvents } from '@fpms/contracts';
import { setTenantContext } from '@fpms/database/tenant-context';
import { Actor } from '../access/actor';
import { WorkspaceAccess } from '../access/workspace-access';
import { ActivityRecorder } from '../activity/activity-recorder';
import { Clock, CLOCK } from '../clock';
import { MembersRepository } from '../members/members.repository';
import { MembersService } from '../members/members.service';
import { WorkspacesRepository } from '../workspaces/workspaces.repository';
import { InvitationError } from './invitation.errors';
import { hashInvitationToken, looksLikeInvitationToken, newInvitationToken } from './invitation-token';
import { Invitation, InvitationsRepository } from './invitations.repository';
import { idempotent } from '@fpms/database/idempotency';

export interface CreateInvitationInput {
  workspaceId: string;
  role: InvitationView['role'];
  email?: string;
  maxUses: number;
  expiresInHours: number;
}

const view = ({ accountId: _accountId, ...rest }: Invitation): InvitationView => rest;

@Injectable()
export class InvitationsService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly invitations: InvitationsRepository,
    private readonly members: MembersRepository,
    private readonly membersService: MembersService,
    private readonly workspaces: WorkspacesRepository,
    private readonly activity: ActivityRecorder,
    @InjectDataSource() private readonly runtime: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  create(actor: Actor, input: CreateInvitationInput): Promise<CreatedInvitationView> {
    return this.access.run(actor, input.workspaceId, WorkspaceAction.ManageInvitations, idempotent(actor, async (manager, scope) => {
      const { token, hash } = newInvitationToken();
      const invitation = await this.invitations.insert(manager, {
        id: randomUUID(),
        workspaceId: scope.workspaceId,
        accountId: scope.accountId,
        tokenHash: hash,
        role: input.role,
        email: input.email?.trim().toLowerCase() ?? null,
        maxUses: input.maxUses,
        expiresAt: new Date(this.clock.now().getTime() + input.expiresInHours * 3600_000),
        createdBy: actor.userId,
      });
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId: scope.workspaceId,
        actorUserId: actor.userId,
        action: 'invitation.created',
        targetType: 'invitation',
        targetId: invitation.id,
        after: { role: invitation.role, email: invitation.email, maxUses: invitation.maxUses, expiresAt: invitation.expiresAt },
        requestId: actor.requestId,
      });
      return { ...view(invitation), token };
    }));
  }

  list(actor: Actor, workspaceId: string): Promise<{ items: InvitationView[] }> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageInvitations, async (manager) => ({
      items: (await this.invitations.list(manager, workspaceId)).map(view),
    }));
  }

  revoke(actor: Actor, workspaceId: string, invitationId: string): Promise<InvitationView> {
    return this.access.run(actor, workspaceId, WorkspaceAction.ManageInvitations, async (manager, scope) => {
      const invitation = await this.invitations.findForUpdate(manager, workspaceId, invitationId);
      if (!invitation) throw InvitationError.invitationNotFound();
      if (invitation.revokedAt) return view(invitation);
      const revoked = await this.invitations.revoke(manager, invitationId);
      await this.activity.record(manager, {
        accountId: scope.accountId,
        workspaceId,
        actorUserId: actor.userId,
        action: 'invitation.revoked',
        targetType: 'invitation',
        targetId: invitationId,
        before: { status: invitation.status },
        after: { status: 'revoked' },
        requestId: actor.requestId,
      });
      return view(revoked);
    });
  }

  /**
   * Joins exactly the invitation's workspace with its role. The use is taken and the
   * membership inserted in one transaction: if the insert fails (already a member,
   * possibly by a concurrent accept of the same user) the use is given back.
   */
  async accept(actor: Actor, token: string): Promise<MyWorkspaceView> {
    if (!looksLikeInvitationToken(token)) throw InvitationError.invitationNotFound();
    const located = await this.invitations.locateByTokenHash(hashInvitationToken(token));
    if (!located) throw InvitationError.invitationNotFound();
    const email = actor.email.trim().toLowerCase();
    return this.runtime.transaction(async (manager) => {
      await setTenantContext(manager, { accountId: located.accountId, workspaceId: located.workspaceId, userId: actor.userId });
      if (await this.members.find(manager, located.workspaceId, actor.userId)) throw InvitationError.alreadyMember();
      const taken = await this.invitations.takeUse(manager, located.id, email);
      if (!taken) throw this.whyNotUsable(await this.invitations.findById(manager, located.id), email);
      const added = await this.members.add(manager, {
        workspaceId: located.workspaceId,
        accountId: located.accountId,
        userId: actor.userId,
        role: taken.role,
        email,
      });
      if (!added) throw InvitationError.alreadyMember();
      const scope = { accountId: located.accountId, workspaceId: located.workspaceId };
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: located.id,
        after: { uses: taken.uses, maxUses: taken.maxUses },
        requestId: actor.requestId,
      });
      await this.membersService.recordChange(manager, actor, scope, 'member.joined', WorkspaceEvents.memberAdded, actor.userId, null, taken.role);
      const workspace = await this.workspaces.findForMember(manager, located.workspaceId, actor.userId);
      if (!workspace) throw InvitationError.invitationNotFound();
      return workspace;
    });
  }

  private whyNotUsable(invitation: Invitation | null, email: string): InvitationError {
    if (!invitation) return InvitationError.invitationNotFound();
    if (invitation.status === 'revoked') return InvitationError.revoked();
    if (invitation.status === 'expired') return InvitationError.expired();
    if (invitation.status === 'used_up') return InvitationError.usedUp();
    if (invitation.email && invitation.email !== email) return InvitationError.emailMismatch();
    return InvitationError.invitationNotFound();
  }
}
