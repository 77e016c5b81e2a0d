import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../password-policy';

/** Who a new user is; a client signing up through an invitation gives only this. */
export class NewUserDto {
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
