/** Error codes of workspace members (workspace). */
export enum MemberErrorCode {
  MemberNotFound = 'member_not_found',
  OwnerIsPermanent = 'owner_is_permanent',
  OtherSidesRole = 'role_belongs_to_other_side',
  CrossesSides = 'role_change_crosses_sides',
  LastClientAdminWithEscrow = 'last_client_admin_with_escrow',
}
