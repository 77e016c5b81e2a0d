import { AppError } from '@fpms/common/errors/app-error';
import { SessionErrorCode } from '@fpms/contracts/errors/sessions.errors';

export class SessionError extends AppError<SessionErrorCode> {
  /** Unknown, malformed, expired or revoked: one answer, so nothing is learnt by probing. */
  static invalidRefreshToken() {
    return new SessionError(401, SessionErrorCode.InvalidRefreshToken, 'Refresh token is invalid or expired');
  }
  /** A token that was already rotated came back: the session is revoked, sign in again. */
  static refreshTokenReused() {
    return new SessionError(401, SessionErrorCode.RefreshTokenReused, 'Refresh token was already used; the session has been revoked');
  }
}
