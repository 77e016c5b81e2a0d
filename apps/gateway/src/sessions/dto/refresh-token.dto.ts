import { IsString, Length } from 'class-validator';

/** Body of /auth/refresh and /auth/logout. The format itself is checked by the service (401, not 400). */
export class RefreshTokenDto {
  @IsString()
  @Length(1, 512)
  refreshToken: string;
}
