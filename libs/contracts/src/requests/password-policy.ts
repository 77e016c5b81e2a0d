import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

import { FIELD_LIMITS } from './field-limits';

const { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH } = FIELD_LIMITS.passwordPolicyLength;

/**
 * Why a password is refused, or null. Length does most of the work (NIST 800-63B: no
 * composition rules); on top of it we refuse passwords with almost no variety and ones
 * built from the account's own email or name, the first things an attacker tries.
 */
export function passwordProblem(password: string, context: { email?: string; name?: string } = {}): string | null {
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    return `password must be between ${PASSWORD_MIN_LENGTH} and ${PASSWORD_MAX_LENGTH} characters`;
  }
  if (new Set(password.toLowerCase()).size < 4) return 'password must use at least 4 different characters';
  const lower = password.toLowerCase();
  const local = context.email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return 'password must not contain your email address';
  const name = context.name?.trim().toLowerCase();
  if (name && name.length >= 4 && lower.includes(name)) return 'password must not contain your name';
  return null;
}

/**
 * The DTO's email and name as context, only where they are strings: this validator may
 * run before (or beside) the ones that reject `"email": 123`.
 */
function stringContext(object: object): { email?: string; name?: string } {
  const { email, name } = object as { email?: unknown; name?: unknown };
  return { email: typeof email === 'string' ? email : undefined, name: typeof name === 'string' ? name : undefined };
}

/** class-validator decorator: the password policy, with the DTO's `email` and `name` as context. */
export function IsAcceptablePassword(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isAcceptablePassword',
      target: target.constructor,
      propertyName: String(propertyName),
      options,
      validator: {
        validate(value: unknown, args: ValidationArguments) {
          return typeof value === 'string' && passwordProblem(value, stringContext(args.object)) === null;
        },
        defaultMessage(args: ValidationArguments) {
          return typeof args.value === 'string'
            ? (passwordProblem(args.value, stringContext(args.object)) ?? 'invalid password')
            : 'password must be a string';
        },
      },
    });
}
