import type { WorkspaceRole } from '../rpc/workspace-roles';

/** Roles of each side of a workspace (DESIGN §2: no one plays both). */
export const FREELANCER_SIDE: readonly WorkspaceRole[] = ['owner', 'collaborator'];
export const CLIENT_SIDE: readonly WorkspaceRole[] = ['client_admin', 'client_viewer'];
export const ALL_ROLES: readonly WorkspaceRole[] = [...FREELANCER_SIDE, ...CLIENT_SIDE];

/**
 * Who in the workspace gets a notification. `roles`: the workspace's members holding one
 * of these roles; `subject`: the users the event is about (the member removed, the user
 * mentioned), member or not; `accountOwners`: the owners of the tenant's account (for
 * account-level events that name no workspace). `exceptActor` drops whoever caused it:
 * nobody is notified of their own action.
 */
export interface AudienceRule {
  roles?: readonly WorkspaceRole[];
  subject?: boolean;
  accountOwners?: boolean;
  /** Subjects count only while members of the workspace (a mention of an outsider reaches nobody). */
  subjectsMustBeMembers?: boolean;
  exceptActor: boolean;
}

export interface AudienceMember {
  userId: string;
  role: WorkspaceRole;
}

export interface AudienceFacts {
  /** Current members of the event's workspace (empty for account-level events). */
  members: readonly AudienceMember[];
  accountOwnerIds: readonly string[];
  subjectUserIds: readonly string[];
  actorUserId: string | null;
}

/** The recipients of `rule` given the facts, each once, in a stable order. */
export function resolveAudience(rule: AudienceRule, facts: AudienceFacts): string[] {
  const ids = new Set<string>();
  if (rule.roles) for (const m of facts.members) if (rule.roles.includes(m.role)) ids.add(m.userId);
  const memberIds = new Set(facts.members.map((m) => m.userId));
  if (rule.subject) for (const id of facts.subjectUserIds) if (!rule.subjectsMustBeMembers || memberIds.has(id)) ids.add(id);
  if (rule.accountOwners) for (const id of facts.accountOwnerIds) ids.add(id);
  if (rule.exceptActor && facts.actorUserId) ids.delete(facts.actorUserId);
  return [...ids].sort();
}
