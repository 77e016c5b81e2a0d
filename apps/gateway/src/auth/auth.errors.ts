import { AppError } from '@fpms/common/errors/app-error';
import { AuthErrorCode } from '@fpms/contracts/errors/auth.errors';

export class AuthError extends AppError<AuthErrorCode> {
  static emailTaken() {
    return new AuthError(409, AuthErrorCode.EmailTaken, 'An account with this email already exists');
  }
  /** Same answer for an unknown email and a wrong password: no account enumeration. */
  static invalidCredentials() {
    return new AuthError(401, AuthErrorCode.InvalidCredentials, 'Email or password is incorrect');
  }
}
