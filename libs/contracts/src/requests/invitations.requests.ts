import { IsBoolean, IsEmail, MaxLength } from 'class-validator';
import { INVITABLE_ROLE_VALUES, type InvitableRole } from '../rpc/workspace-roles';
import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { IntInRange, OneOf, Opaque, Optional } from './field-decorators';

export class CreateInvitationBody {
  @OneOf(INVITABLE_ROLE_VALUES)
  role!: InvitableRole;

  /** Binds the invitation to one email address. */
  @Optional()
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(FIELD_LIMITS.emailMaxLength)
  email?: string;

  @Optional()
  @IntInRange({ min: 1, max: FIELD_LIMITS.invitationMaxUses.max })
  maxUses: number = FIELD_LIMITS.invitationMaxUses.default;

  @Optional()
  @IntInRange({ min: 1, max: FIELD_LIMITS.invitationExpiresInHours.max })
  expiresInHours: number = FIELD_LIMITS.invitationExpiresInHours.default;
}

export class CreateInvitationRequest extends Addressed(CreateInvitationBody, 'workspaceId') {}

/** The invitation token, from the accept route's path. */
export class AcceptInvitationRequest {
  @Opaque(FIELD_LIMITS.invitationTokenLength)
  token!: string;

  /**
   * Set by the gateway, which owns users, from its own database (never from the client):
   * an email-bound invitation needs a verified address (issue 18).
   */
  @Optional()
  @IsBoolean()
  emailVerified?: boolean;
}
