import { IsEmail, Matches, MaxLength, ValidateIf } from 'class-validator';
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

// ---- Account security (issue 18) ----------------------------------------------------------

/** A TOTP code as an authenticator app shows it: six digits. */
const TotpCode = (): PropertyDecorator => (target, key) => {
  Matches(/^\d{6}$/, { message: 'code must be the six digits your authenticator app shows' })(target, key);
};

/** A single-use link's token (the format itself is checked by the service: 400 invalid_email_token). */
export class EmailTokenBody {
  @Opaque({ max: 512 })
  token!: string;
}

export class PasswordResetRequestBody {
  @Email()
  email!: string;
}

export class PasswordResetConfirmBody extends EmailTokenBody {
  @Opaque({ max: FIELD_LIMITS.passwordPolicyLength.max })
  @IsAcceptablePassword()
  password!: string;
}

export class ChangePasswordBody {
  @Opaque(FIELD_LIMITS.passwordLength)
  currentPassword!: string;

  @Opaque({ max: FIELD_LIMITS.passwordPolicyLength.max })
  @IsAcceptablePassword()
  newPassword!: string;
}

export class ChangeEmailBody {
  @Email()
  email!: string;

  /** The current password: whoever holds a session alone cannot move the account to their address. */
  @Opaque(FIELD_LIMITS.passwordLength)
  password!: string;
}

export class TotpCodeBody {
  @TotpCode()
  code!: string;
}

/** A second factor: exactly one of a TOTP code and a recovery code. */
export class SecondFactorBody {
  @ValidateIf((o: SecondFactorBody) => o.recoveryCode === undefined || o.code !== undefined)
  @TotpCode()
  code?: string;

  @ValidateIf((o: SecondFactorBody) => o.code === undefined || o.recoveryCode !== undefined)
  @Opaque({ max: 32 })
  @Matches(/^[A-Za-z0-9 -]+$/, { message: 'recoveryCode must be one of your recovery codes' })
  recoveryCode?: string;
}

/**
 * Erasing one's own account (issue 18 part 5): the current password, and when two-factor
 * sign-in is on, a current code or a recovery code as well (the service says which is missing).
 */
export class EraseAccountBody {
  @Opaque(FIELD_LIMITS.passwordLength)
  password!: string;

  @Optional()
  @TotpCode()
  code?: string;

  @Optional()
  @Opaque({ max: 32 })
  @Matches(/^[A-Za-z0-9 -]+$/, { message: 'recoveryCode must be one of your recovery codes' })
  recoveryCode?: string;
}

export class LoginSecondStepBody extends SecondFactorBody {
  @Opaque({ max: 512 })
  challengeToken!: string;
}
