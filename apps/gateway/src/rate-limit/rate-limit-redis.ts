import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';

/** The gateway's Redis connection for rate-limit counters (shared by every replica). */
export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

const CONNECT_WAIT_MS = 2000;

/**
 * Tuned to fail fast rather than wait: while Redis is unreachable a command is rejected
 * at once (no offline queue, one attempt, 1 s timeout for a hung server), so the limiter
 * falls back to its in-memory insurance instead of holding logins up. It keeps
 * reconnecting in the background.
 */
export function createRateLimitRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 250, 2000),
  });
}

/** Connects at boot (briefly waiting, never failing on it) and disconnects at shutdown. */
@Injectable()
export class RateLimitRedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimitRedis');
  private available: boolean | undefined;

  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis) {}

  async onModuleInit(): Promise<void> {
    // Log transitions only: a down Redis would otherwise log every reconnect attempt.
    this.redis.on('ready', () => {
      if (this.available !== true) this.logger.log('Redis connected: rate limits are shared across replicas');
      this.available = true;
    });
    this.redis.on('error', (error: Error) => {
      if (this.available !== false) {
        this.logger.warn(`Redis unavailable (${error.message}): rate limits fall back to per-replica memory until it answers`);
      }
      this.available = false;
    });
    const ready = this.redis.connect().then(
      () => true,
      () => false,
    );
    const timedOut = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CONNECT_WAIT_MS).unref());
    await Promise.race([ready, timedOut]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'ready') {
      const quit = this.redis.quit().then(
        () => undefined,
        () => undefined,
      );
      await Promise.race([quit, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    }
    this.redis.disconnect();
  }
}
