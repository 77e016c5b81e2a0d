import { IsOptional, IsString, Length } from 'class-validator';
import { NewUserDto } from './new-user.dto';

/** A freelancer signing up: a user and their own account (the tenant). */
export class SignupDto extends NewUserDto {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  accountName?: string;
}
