import {
  can,
  CLIENT_ONLY_ACTIONS,
  FORMER_CLIENT_ACTIONS,
  manageSideAction,
  PERMISSION_MATRIX,
  sideOf,
  WORKSPACE_ROLES,
  WorkspaceAction,
  WorkspaceRole,
} from './permissions';

/** Every cell of the matrix, spelled out: a change to the matrix must change this table. */
const EXPECTED: Record<WorkspaceAction, Record<WorkspaceRole, boolean>> = {
  [WorkspaceAction.ReadWorkspace]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.UpdateWorkspace]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ReadMembers]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.ManageMembers]: { owner: true, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.ManageFreelancerSide]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ManageClientSide]: { owner: false, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.InviteFirstClientAdmin]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ManageInvitations]: { owner: true, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.ReadActivity]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ReadMilestones]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.ManageMilestones]: { owner: true, collaborator: true, client_admin: false, client_viewer: false },
  [WorkspaceAction.RefundPayments]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ReadMessages]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.PostMessages]: { owner: true, collaborator: true, client_admin: true, client_viewer: false },
  [WorkspaceAction.PostInternalNotes]: { owner: true, collaborator: true, client_admin: false, client_viewer: false },
  [WorkspaceAction.ReadTime]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.LogTime]: { owner: true, collaborator: true, client_admin: false, client_viewer: false },
  [WorkspaceAction.ProposeHourlyContract]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.AcceptHourlyContract]: { owner: false, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.EndHourlyContract]: { owner: true, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.DecideMilestones]: { owner: false, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.FundMilestones]: { owner: false, collaborator: false, client_admin: true, client_viewer: false },
  [WorkspaceAction.DisputeMilestones]: { owner: true, collaborator: true, client_admin: true, client_viewer: false },
  [WorkspaceAction.ReadTasks]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.ManageTasks]: { owner: true, collaborator: true, client_admin: true, client_viewer: false },
  [WorkspaceAction.ConfigureTaskBoard]: { owner: true, collaborator: false, client_admin: false, client_viewer: false },
  [WorkspaceAction.ReadFiles]: { owner: true, collaborator: true, client_admin: true, client_viewer: true },
  [WorkspaceAction.UploadFiles]: { owner: true, collaborator: true, client_admin: true, client_viewer: false },
  [WorkspaceAction.DeleteFiles]: { owner: true, collaborator: true, client_admin: false, client_viewer: false },
  [WorkspaceAction.PinFiles]: { owner: true, collaborator: true, client_admin: false, client_viewer: false },
};

describe('permission matrix', () => {
  const cells = Object.values(WorkspaceAction).flatMap((action) => WORKSPACE_ROLES.map((role) => [action, role] as const));

  it.each(cells)('%s for %s', (action, role) => {
    expect(can(role, action)).toBe(EXPECTED[action][role]);
  });

  it('covers every action and nothing else', () => {
    expect(Object.keys(PERMISSION_MATRIX).sort()).toEqual(Object.values(WorkspaceAction).sort());
    expect(Object.keys(EXPECTED).sort()).toEqual(Object.values(WorkspaceAction).sort());
  });

  it('lets the owner do everything except the client-only decisions on their own work', () => {
    for (const action of Object.values(WorkspaceAction)) expect(can('owner', action)).toBe(!CLIENT_ONLY_ACTIONS.includes(action));
  });

  it('never lets the freelancer side approve or fund, nor the client side manage milestones', () => {
    for (const action of CLIENT_ONLY_ACTIONS) {
      expect(can('owner', action) || can('collaborator', action)).toBe(false);
    }
    expect(can('client_admin', WorkspaceAction.ManageMilestones)).toBe(false);
  });

  it('splits the roles into two sides, each managing only its own', () => {
    expect(WORKSPACE_ROLES.map((r) => [r, sideOf(r)])).toEqual([
      ['owner', 'freelancer'],
      ['collaborator', 'freelancer'],
      ['client_admin', 'client'],
      ['client_viewer', 'client'],
    ]);
    for (const role of WORKSPACE_ROLES) {
      for (const side of ['freelancer', 'client'] as const) {
        // Only the owner manages the freelancer side, only a client admin the client side.
        expect(can(role, manageSideAction(side))).toBe(side === 'freelancer' ? role === 'owner' : role === 'client_admin');
      }
    }
  });

  it('gives a former client nothing but reading milestones and files (narrowed to what they paid for)', () => {
    expect([...FORMER_CLIENT_ACTIONS].sort()).toEqual([WorkspaceAction.ReadFiles, WorkspaceAction.ReadMilestones].sort());
  });
});
