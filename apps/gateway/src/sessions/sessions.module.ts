import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from '../config';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SESSION_OPTIONS, SessionOptions, SessionsService } from './sessions.service';

/** Refresh-token sessions. Needs the (global) database and RateLimitModule. */
@Module({})
export class SessionsModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    const options: SessionOptions = { refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_DAYS * 86_400 };
    return {
      module: SessionsModule,
      providers: [{ provide: SESSION_OPTIONS, useValue: options }, RefreshTokensRepository, SessionsService],
      exports: [SessionsService],
    };
  }
}
