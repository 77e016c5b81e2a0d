/**
 * Who may do what inside a workspace: one matrix, in code, for every service. A user who
 * is not a member at all gets 404 before this matrix is consulted (no existence leaks);
 * a member whose role lacks the action gets 403.
 */
export const WORKSPACE_ROLES = ['owner', 'collaborator', 'client_admin', 'client_viewer'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

export enum WorkspaceAction {
  ReadWorkspace = 'workspace.read',
  UpdateWorkspace = 'workspace.update',
  ReadMembers = 'members.read',
  /** The gate of member and invitation changes; what a role may change is decided by side (below). */
  ManageMembers = 'members.manage',
  /** Invite, re-role and remove freelancer-side members (collaborators). */
  ManageFreelancerSide = 'members.manage_freelancer_side',
  /** Invite, re-role and remove client-side members: the client's own business. */
  ManageClientSide = 'members.manage_client_side',
  /** Invite the *first* client admin of a workspace that has none (how a client gets in at all). */
  InviteFirstClientAdmin = 'invitations.invite_first_client_admin',
  /** See the workspace's invitations; create and revoke them as the side rules allow. */
  ManageInvitations = 'invitations.manage',
  ReadActivity = 'activity.read',
  /** Milestones, their timeline and the workspace dashboard. */
  ReadMilestones = 'milestones.read',
  /** Freelancer side: create, edit, propose, submit, cancel before funding. */
  ManageMilestones = 'milestones.manage',
  /** Client side: accept, approve, request changes, request a refund. */
  DecideMilestones = 'milestones.decide',
  /**
   * Either side's say in an in-app dispute: open one, withdraw the one you opened, add
   * evidence. Viewers only read it (ReadMilestones).
   */
  DisputeMilestones = 'milestones.dispute',
  /** Client side: start paying a milestone into escrow (billing confirms it). */
  FundMilestones = 'milestones.fund',
  ReadTasks = 'tasks.read',
  /** Create, edit, move and delete tasks. */
  ManageTasks = 'tasks.manage',
  /** Customise the workspace's task board (its statuses). */
  ConfigureTaskBoard = 'tasks.configure',
  /** See files and their versions, download them. */
  ReadFiles = 'files.read',
  /** Upload new files and new versions. */
  UploadFiles = 'files.upload',
  /** Delete (and restore) files, delete versions. */
  DeleteFiles = 'files.delete',
  /** Pin a version as a deliverable (milestone submission). */
  PinFiles = 'files.pin',
  /** Freelancer's owner: refund a milestone's payment, answer the client's refund request. */
  RefundPayments = 'payments.refund',
  /** Read the workspace's threads and messages (internal notes: the freelancer side only, see sideOf). */
  ReadMessages = 'messages.read',
  /** Post, edit and delete one's own messages. */
  PostMessages = 'messages.post',
  /** Post internal notes: messages only the freelancer side sees. */
  PostInternalNotes = 'messages.post_internal',
  /** Timesheets, totals and the hourly contract: both sides (the client pays for the hours). */
  ReadTime = 'time.read',
  /** Log time (manual entries, the timer) and change one's own entries: the freelancer side. */
  LogTime = 'time.log',
  /** Propose the hourly contract and set the account's time zone: the account's owner. */
  ProposeHourlyContract = 'time.propose_contract',
  /** Accept the proposed hourly contract: the client's say. */
  AcceptHourlyContract = 'time.accept_contract',
  /** End (or withdraw) the hourly contract: either side's admin. */
  EndHourlyContract = 'time.end_contract',
}

/**
 * Actions only the client side may take: the freelancer (owner) must not approve or fund
 * their own work, so these are the one exception to "the owner may do everything".
 */
export const CLIENT_ONLY_ACTIONS: readonly WorkspaceAction[] = [
  WorkspaceAction.DecideMilestones,
  WorkspaceAction.FundMilestones,
  WorkspaceAction.ManageClientSide,
  WorkspaceAction.AcceptHourlyContract,
];

/**
 * Two sides, and no one plays both: the freelancer's (owner, collaborators) and the
 * client's. A membership never moves across sides, and each side manages its own roles
 * (the owner only ever brings in the first client admin).
 */
export type WorkspaceSide = 'freelancer' | 'client';
export const FREELANCER_SIDE_ROLES = ['owner', 'collaborator'] as const satisfies readonly WorkspaceRole[];
export const CLIENT_SIDE_ROLES = ['client_admin', 'client_viewer'] as const satisfies readonly WorkspaceRole[];

export function sideOf(role: WorkspaceRole): WorkspaceSide {
  return (FREELANCER_SIDE_ROLES as readonly WorkspaceRole[]).includes(role) ? 'freelancer' : 'client';
}

/** The action that grants, changes or removes roles of `side`. */
export function manageSideAction(side: WorkspaceSide): WorkspaceAction {
  return side === 'freelancer' ? WorkspaceAction.ManageFreelancerSide : WorkspaceAction.ManageClientSide;
}

/**
 * A removed client keeps a read-only view of what they paid for: the milestones funded
 * while they were a client admin, and those milestones' deliverable versions. These are
 * the only actions that view answers, and only for those resources.
 */
export const FORMER_CLIENT_ACTIONS: readonly WorkspaceAction[] = [WorkspaceAction.ReadMilestones, WorkspaceAction.ReadFiles];

const ALL: readonly WorkspaceRole[] = WORKSPACE_ROLES;

export const PERMISSION_MATRIX: Readonly<Record<WorkspaceAction, readonly WorkspaceRole[]>> = {
  [WorkspaceAction.ReadWorkspace]: ALL,
  [WorkspaceAction.UpdateWorkspace]: ['owner'],
  [WorkspaceAction.ReadMembers]: ALL,
  [WorkspaceAction.ManageMembers]: ['owner', 'client_admin'],
  [WorkspaceAction.ManageFreelancerSide]: ['owner'],
  [WorkspaceAction.ManageClientSide]: ['client_admin'],
  [WorkspaceAction.InviteFirstClientAdmin]: ['owner'],
  [WorkspaceAction.ManageInvitations]: ['owner', 'client_admin'],
  [WorkspaceAction.ReadActivity]: ['owner'],
  [WorkspaceAction.ReadMilestones]: ALL,
  [WorkspaceAction.ManageMilestones]: ['owner', 'collaborator'],
  [WorkspaceAction.DecideMilestones]: ['client_admin'],
  [WorkspaceAction.FundMilestones]: ['client_admin'],
  [WorkspaceAction.DisputeMilestones]: ['owner', 'collaborator', 'client_admin'],
  [WorkspaceAction.ReadTasks]: ALL,
  [WorkspaceAction.ManageTasks]: ['owner', 'collaborator', 'client_admin'],
  [WorkspaceAction.ConfigureTaskBoard]: ['owner'],
  // Clients see and download every file (their deliverables included) and client admins
  // may send files in; deleting and pinning deliverables is the freelancer side's.
  [WorkspaceAction.ReadFiles]: ALL,
  [WorkspaceAction.UploadFiles]: ['owner', 'collaborator', 'client_admin'],
  [WorkspaceAction.DeleteFiles]: ['owner', 'collaborator'],
  [WorkspaceAction.PinFiles]: ['owner', 'collaborator'],
  // Money goes back to the client on the account owner's word alone; the client asks (request-refund).
  [WorkspaceAction.RefundPayments]: ['owner'],
  // Everyone reads the conversation; viewers only read; internal notes stay on the freelancer side.
  [WorkspaceAction.ReadMessages]: ALL,
  [WorkspaceAction.PostMessages]: ['owner', 'collaborator', 'client_admin'],
  [WorkspaceAction.PostInternalNotes]: ['owner', 'collaborator'],
  // Hours are the freelancer side's to log and the client's to see (viewers included: read-only).
  [WorkspaceAction.ReadTime]: ALL,
  [WorkspaceAction.LogTime]: ['owner', 'collaborator'],
  [WorkspaceAction.ProposeHourlyContract]: ['owner'],
  [WorkspaceAction.AcceptHourlyContract]: ['client_admin'],
  [WorkspaceAction.EndHourlyContract]: ['owner', 'client_admin'],
};

export function can(role: WorkspaceRole, action: WorkspaceAction): boolean {
  return PERMISSION_MATRIX[action].includes(role);
}
