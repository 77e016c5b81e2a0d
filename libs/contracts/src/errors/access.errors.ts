/** Error codes of workspace access and the platform-admin override (workspace, gateway). */
export enum AccessErrorCode {
  WorkspaceNotFound = 'workspace_not_found',
  Forbidden = 'forbidden',
  NoAccount = 'no_account',
  OverrideRequired = 'admin_override_required',
  NotPlatformAdmin = 'not_platform_admin',
}
