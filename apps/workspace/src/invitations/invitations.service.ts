import { AccountSecurityError } from '@fpms/auth/account-security.error';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { manageSideAction, sideOf, WorkspaceAction } from '@fpms/auth/permissions';
import { CreatedInvitationView, CreateInvitationRequest, InvitationView, MyWorkspaceView, WorkspaceEvents } from '@fpms/contracts';
import { setTenantContext } from '@fpms/database/tenant-context';
import { Actor } from '../access/actor';
import { scopeCan, scopeSide, WorkspaceAccess, WorkspaceScope } from '../access/workspace-access';
import { ActivityLogRepository } from '../activity/activity-log.repository';
import { Clock } from '@fpms/common/scheduling/clock';
import { MemberError } from '../members/member.errors';
import { MembersRepository } from '../members/members.repository';
import { MembersService } from '../members/members.service';
import { WorkspacesRepository } from '../workspaces/workspaces.repository';
import { InvitationError } from './invitation.errors';
import { hashInvitationToken, looksLikeInvitationToken, newInvitationToken } from './invitation-token';
import { Invitation, InvitationsRepository } from './invitations.repository';
import { InvitationTokenLookupRepository } from './invitation-token-lookup.repository';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { idempotent } from '@fpms/database/idempotency';
import { systemTransaction, type TenantManager } from '@fpms/database/tenant-manager';
import { assertNotLocked, assertWithinLimit, EntitlementsReader } from '@fpms/platform/entitlements';
import { PlanUsageRepository } from '../entitlements/plan-usage.repository';

const view = ({ accountId: _accountId, issuerSide: _issuerSide, ...rest }: Invitation): InvitationView => rest;

@Injectable()
export class InvitationsService {
  constructor(
    private readonly access: WorkspaceAccess,
    private readonly invitations: InvitationsRepository,
    private readonly members: MembersRepository,
    private readonly membersService: MembersService,
    private readonly workspaces: WorkspacesRepository,
    private readonly activity: ActivityLogRepository,
    @InjectDataSource() private readonly runtime: DataSource,
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly tokens: InvitationTokenLookupRepository,
    @Inject(Clock) private readonly clock: Clock,
    private readonly entitlements: EntitlementsReader,
    private readonly usage: PlanUsageRepository,
  ) {}

  /**
   * Each side invites to its own roles: the owner collaborators, a client admin client
   * admins and viewers. The one crossing: the owner may invite a client admin while the
   * workspace has none (how the client gets in); acceptance checks that again.
   */
  create(actor: Actor, input: CreateInvitationRequest): Promise<CreatedInvitationView> {
    return this.access.run(
      actor,
      input.workspaceId,
      WorkspaceAction.ManageInvitations,
      idempotent(actor, async (manager, scope) => {
        await this.requireMayInvite(manager, scope, input.role);
        // A locked account's freelancer side invites no one (its clients still may); and a
        // workspace already at the plan's member limit gets no invitation nobody could accept.
        const entitlements = await this.entitlements.forAccount(manager, scope.accountId);
        if (scopeSide(scope) === 'freelancer') assertNotLocked(entitlements);
        if (entitlements.limits.membersPerWorkspace !== null)
          assertWithinLimit(entitlements, 'membersPerWorkspace', await this.usage.countMembers(manager, scope.workspaceId));
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
          issuerSide: scopeSide(scope),
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
      }),
    );
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
      // The side an invitation is for may revoke it, and so may the side that issued it.
      const side = sideOf(invitation.role);
      if (!scopeCan(scope, manageSideAction(side)) && invitation.issuerSide !== scopeSide(scope)) {
        throw MemberError.otherSidesRole(invitation.role, side);
      }
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
  async accept(actor: Actor, token: string, emailVerified?: boolean): Promise<MyWorkspaceView> {
    if (!looksLikeInvitationToken(token)) throw InvitationError.invitationNotFound();
    const located = await systemTransaction(this.system, (m) => this.tokens.locate(m, hashInvitationToken(token)));
    if (!located) throw InvitationError.invitationNotFound();
    const email = actor.email.trim().toLowerCase();
    return this.runtime.transaction(async (tx) => {
      const manager = await setTenantContext(tx, { accountId: located.accountId, workspaceId: located.workspaceId, userId: actor.userId });
      const scope = { accountId: located.accountId, workspaceId: located.workspaceId };
      // Serialises with every other membership change of the workspace (the client-admin check below).
      await this.members.lockSequence(manager, scope);
      if (await this.members.find(manager, located.workspaceId, actor.userId)) throw InvitationError.alreadyMember();
      // The member limit holds here, under the membership lock: invitations may outnumber
      // the seats left, and concurrent acceptances are counted one after another.
      const entitlements = await this.entitlements.forAccount(manager, located.accountId);
      if (entitlements.limits.membersPerWorkspace !== null)
        assertWithinLimit(entitlements, 'membersPerWorkspace', await this.usage.countMembers(manager, located.workspaceId));
      const taken = await this.invitations.takeUse(manager, located.id, email);
      if (!taken) throw this.whyNotUsable(await this.invitations.findById(manager, located.id), email);
      await this.requireMayJoin(manager, actor, taken);
      // Bound to an address: only someone who proved they read its mail may take it (issue 18; the
      // gateway, which owns users, says whether the caller's address is verified). After every other
      // refusal, so an invited signup that could never join leaves no user behind.
      if (taken.email && emailVerified !== true) throw AccountSecurityError.emailNotVerified();
      const added = await this.members.add(manager, {
        workspaceId: located.workspaceId,
        accountId: located.accountId,
        userId: actor.userId,
        role: taken.role,
        email,
      });
      if (!added) throw InvitationError.alreadyMember();
      await this.activity.record(manager, {
        ...scope,
        actorUserId: actor.userId,
        action: 'invitation.accepted',
        targetType: 'invitation',
        targetId: located.id,
        after: { uses: taken.uses, maxUses: taken.maxUses },
        requestId: actor.requestId,
      });
      await this.membersService.recordChange(
        manager,
        actor,
        scope,
        'member.joined',
        WorkspaceEvents.memberAdded,
        actor.userId,
        null,
        taken.role,
      );
      const workspace = await this.workspaces.findForMember(manager, located.workspaceId, actor.userId);
      if (!workspace) throw InvitationError.invitationNotFound();
      return workspace;
    });
  }

  private async requireMayInvite(manager: TenantManager, scope: WorkspaceScope, role: Invitation['role']): Promise<void> {
    const side = sideOf(role);
    if (scopeCan(scope, manageSideAction(side))) return;
    if (role === 'client_admin' && scopeCan(scope, WorkspaceAction.InviteFirstClientAdmin)) {
      if ((await this.members.countClientAdmins(manager, scope.workspaceId)) > 0) throw InvitationError.clientAdminExists();
      return;
    }
    throw MemberError.otherSidesRole(role, side);
  }

  /**
   * No one plays both sides of a freelancer's account: its owner and collaborators cannot
   * join its workspaces as clients, nor its clients as collaborators (whatever the token, an
   * email-bound one included). A client-side invitation the freelancer side issued is
   * honoured only as the workspace's first client admin.
   */
  private async requireMayJoin(manager: TenantManager, actor: Actor, invitation: Invitation): Promise<void> {
    const sides = await this.members.sidesInAccount(manager, invitation.accountId, actor.userId);
    if (sideOf(invitation.role) === 'client') {
      if (actor.accountId === invitation.accountId || sides.freelancer) throw InvitationError.freelancerSideMember();
      if (invitation.issuerSide === 'freelancer') {
        if (invitation.role !== 'client_admin') throw InvitationError.clientRoleNeedsClientAdmin();
        if ((await this.members.countClientAdmins(manager, invitation.workspaceId)) > 0) throw InvitationError.clientAdminExists();
      }
    } else if (sides.client) {
      throw InvitationError.clientSideMember();
    }
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
