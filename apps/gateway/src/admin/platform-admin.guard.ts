import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { AuthenticatedRequest } from '../auth/principal';
import { FIELD_LIMITS } from '@fpms/contracts';
import { AccessErrorCode } from '@fpms/contracts/errors';

export const OVERRIDE_HEADER = 'x-admin-override-reason';

/** Admin routes: a platform-admin token (checked again by the service that serves the data). */
@Injectable()
export class PlatformAdminGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.principal?.isPlatformAdmin) throw new AppError(403, AccessErrorCode.NotPlatformAdmin, 'Platform admins only');
    return true;
  }
}

/**
 * The stated reason for a cross-tenant read; without it an admin reads nothing across tenants.
 * `status`: the older admin routes answer a missing reason with 403; the dispute routes with
 * 400 (a malformed request from someone allowed in; docs/decisions.md).
 */
export function overrideReason(request: AuthenticatedRequest, status: 400 | 403 = 403): string {
  const value = request.headers[OVERRIDE_HEADER];
  const reason = typeof value === 'string' ? value.trim() : '';
  const { min, max } = FIELD_LIMITS.adminReasonLength;
  if (reason.length < min || reason.length > max) {
    throw new AppError(
      status,
      AccessErrorCode.OverrideRequired,
      `Cross-tenant reads need the ${OVERRIDE_HEADER} header with a reason (${min}-${max} characters)`,
    );
  }
  return reason;
}
