import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { Server, ServerOptions } from 'socket.io';

/**
 * Socket.IO with the Redis adapter: an emit to a room on one gateway replica reaches the
 * sockets of that room on every replica (and `socketsJoin`/`socketsLeave` act on all of
 * them). Channels are prefixed per deployment (RATE_LIMIT_PREFIX, one per platform in tests).
 */
export class RedisIoAdapter extends IoAdapter {
  private readonly pub: Redis;
  private readonly sub: Redis;

  constructor(
    app: INestApplicationContext,
    redisUrl: string,
    private readonly keyPrefix: string,
  ) {
    super(app);
    this.pub = new Redis(redisUrl, { maxRetriesPerRequest: null });
    this.sub = this.pub.duplicate();
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, { ...options, serveClient: false }) as Server;
    server.adapter(createAdapter(this.pub, this.sub, { key: `${this.keyPrefix}socket.io` }));
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    await Promise.all([this.pub.quit().catch(() => undefined), this.sub.quit().catch(() => undefined)]);
  }
}
