import { DynamicModule, Module } from '@nestjs/common';
import { GatewayEnv } from '../config';
import { createRateLimitRedis, RATE_LIMIT_REDIS, RateLimitRedisLifecycle } from './rate-limit-redis';
import { RATE_LIMIT_SETTINGS, RateLimitService, RateLimitSettings } from './rate-limit.service';

/** Redis-backed rate limits for the gateway (the HTTP exception filter turns a 429's `retryAfterSeconds` into `Retry-After`). */
@Module({})
export class RateLimitModule {
  static forRoot(env: GatewayEnv): DynamicModule {
    const settings: RateLimitSettings = {
      prefix: env.RATE_LIMIT_PREFIX,
      rules: {
        loginIp: env.RATE_LIMIT_LOGIN_IP,
        loginAccount: env.RATE_LIMIT_LOGIN_ACCOUNT,
        refreshIp: env.RATE_LIMIT_REFRESH_IP,
        refreshSession: env.RATE_LIMIT_REFRESH_SESSION,
        signupIp: env.RATE_LIMIT_SIGNUP_IP,
        messageMember: env.RATE_LIMIT_MESSAGE_MEMBER,
        messageWorkspace: env.RATE_LIMIT_MESSAGE_WORKSPACE,
        twoFactorUser: env.RATE_LIMIT_2FA_USER,
        securityEmail: env.RATE_LIMIT_SECURITY_EMAIL,
      },
    };
    return {
      module: RateLimitModule,
      global: true,
      providers: [
        { provide: RATE_LIMIT_REDIS, useFactory: () => createRateLimitRedis(env.REDIS_URL) },
        { provide: RATE_LIMIT_SETTINGS, useValue: settings },
        RateLimitRedisLifecycle,
        RateLimitService,
      ],
      exports: [RateLimitService],
    };
  }
}
