import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class SignupDto {
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email: string;

  @IsString()
  @Length(10, 200, { message: 'password must be between 10 and 200 characters' })
  password: string;

  @IsString()
  @Length(1, 100)
  name: string;

  @IsOptional()
  @IsString()
  @Length(1, 200)
  accountName?: string;
}
