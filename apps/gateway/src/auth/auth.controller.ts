import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ClientInfo, CurrentClient } from '../sessions/client-info';
import { RefreshTokenDto } from '../sessions/dto/refresh-token.dto';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { SignupDto } from './dto/signup.dto';
import { RequestId } from './principal';

@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('signup')
  signup(@Body() body: SignupDto, @RequestId() requestId: string, @CurrentClient() client: ClientInfo) {
    return this.auth.signup(body, requestId, client);
  }

  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @CurrentClient() client: ClientInfo) {
    return this.auth.login(body, client);
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshTokenDto, @CurrentClient() client: ClientInfo) {
    return this.auth.refresh(body.refreshToken, client);
  }

  @Post('logout')
  @HttpCode(204)
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.auth.logout(body.refreshToken);
  }
}
