import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AccessTokenService } from '@fpms/auth/access-token';
import { AppError } from '@fpms/common/errors/app-error';
import { AuthenticatedRequest } from './principal';

/** Requires `Authorization: Bearer <access token>`; 401 with the error body otherwise. */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(private readonly tokens: AccessTokenService) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header) : null;
    if (!match) throw AppError.unauthorized('Missing bearer access token');
    const claims = this.tokens.verify(match[1]);
    request.principal = {
      userId: claims.sub,
      accountId: claims.acc,
      email: claims.email,
      isPlatformAdmin: claims.adm === true,
      token: match[1],
      sessionId: claims.sid,
    };
    return true;
  }
}
