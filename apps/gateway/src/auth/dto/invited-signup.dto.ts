import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../password-policy';

/** A client signing up through an invitation: a user, and no freelancer account. */
export class InvitedSignupDto {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @IsString()
  @IsAcceptablePassword()
  password: string;

  @IsString()
  @Length(1, 100)
  name: string;
}
