import { IsEmail, IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { INVITABLE_ROLE_VALUES } from '@fpms/contracts';

export class CreateInvitationDto {
  @IsIn(INVITABLE_ROLE_VALUES, { message: `role must be one of ${INVITABLE_ROLE_VALUES.join(', ')}` })
  role: (typeof INVITABLE_ROLE_VALUES)[number];

  /** Binds the invitation to one email address. */
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  maxUses?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(720)
  expiresInHours?: number;
}
