import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { IsAcceptablePassword } from '../password-policy';

export class SignupDto {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @IsString()
  @IsAcceptablePassword()
  password: string;

  @IsString()
  @Length(1, 100)
  name: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  accountName?: string;
}
