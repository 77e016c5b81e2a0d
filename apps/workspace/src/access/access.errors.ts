import { AppError } from '@fpms/common/errors/app-error';
import { AccessErrorCode } from '@fpms/contracts/errors/access.errors';

export class AccessError extends AppError<AccessErrorCode> {
  /** A workspace that does not exist and one the caller is not a member of look the same. */
  static workspaceNotFound(workspaceId: string) {
    return new AccessError(404, AccessErrorCode.WorkspaceNotFound, 'Workspace not found', { workspaceId });
  }
  static actionForbidden(action: string, role: string) {
    return new AccessError(403, AccessErrorCode.Forbidden, `Your role (${role}) may not ${action}`, { action, role });
  }
  static noAccount() {
    return new AccessError(403, AccessErrorCode.NoAccount, 'This user has no freelancer account');
  }
  static notPlatformAdmin() {
    return new AccessError(403, AccessErrorCode.NotPlatformAdmin, 'Platform admins only');
  }
}
