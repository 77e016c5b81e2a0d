import { IsEmail, MaxLength } from 'class-validator';
import { FIELD_LIMITS } from './field-limits';
import { Opaque, Optional, Text } from './field-decorators';
import { IsAcceptablePassword } from './password-policy';

const Email = (): PropertyDecorator => (target, key) => {
  IsEmail({}, { message: 'email must be a valid email address' })(target, key);
  MaxLength(FIELD_LIMITS.emailMaxLength)(target, key);
};

export class LoginBody {
  @Email()
  email!: string;

  @Opaque(FIELD_LIMITS.passwordLength)
  password!: string;
}

/** Who a new user is; a client signing up through an invitation gives only this. */
export class NewUserBody {
  @Email()
  email!: string;

  @Opaque({ max: FIELD_LIMITS.passwordPolicyLength.max })
  @IsAcceptablePassword()
  password!: string;

  @Text(FIELD_LIMITS.personNameLength)
  name!: string;
}

/** A freelancer signing up: a user and their own account (the tenant). */
export class SignupBody extends NewUserBody {
  /** The account's name; the user's name by default. */
  @Optional()
  @Text(FIELD_LIMITS.nameLength)
  accountName?: string;
}

/** Body of /auth/refresh and /auth/logout. The format itself is checked by the service (401, not 400). */
export class RefreshTokenBody {
  @Opaque({ max: FIELD_LIMITS.refreshTokenMaxLength })
  refreshToken!: string;
}
