import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from '../config';
import { REFRESH_TOKEN_PURGE_OPTIONS, RefreshTokenPurgeOptions, RefreshTokenPurger } from './refresh-token-purger';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { SESSION_OPTIONS, SessionOptions, SessionsService } from './sessions.service';

/** Refresh-token sessions. Needs the (global) database and RateLimitModule. */
@Module({})
export class SessionsModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    const options: SessionOptions = {
      refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL_DAYS * 86_400,
      sessionMaxAgeSeconds: env.SESSION_MAX_AGE_DAYS * 86_400,
    };
    const purge: RefreshTokenPurgeOptions = {
      intervalMs: env.HOUSEKEEPING_INTERVAL_SECONDS * 1000,
      retentionMs: env.REFRESH_TOKEN_RETENTION_DAYS * 86_400_000,
    };
    return {
      module: SessionsModule,
      providers: [
        { provide: SESSION_OPTIONS, useValue: options },
        RefreshTokensRepository,
        SessionsService,
        { provide: REFRESH_TOKEN_PURGE_OPTIONS, useValue: purge },
        RefreshTokenPurger,
      ],
      exports: [SessionsService],
    };
  }
}
