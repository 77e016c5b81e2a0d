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
const CLOSE_GRACE_MS = 1_000;

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

  /**
   * Redis may be down (the gateway keeps serving without it): the adapter's unsubscribe and
   * QUIT would then wait for a connection forever, so shutdown gives them a moment and then
   * drops the connections.
   */
  override async close(server: Server): Promise<void> {
    const settle = (work: Promise<unknown>) =>
      Promise.race([work.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref())]);
    await settle(super.close(server));
    const ready = (client: Redis) => client.status === 'ready';
    await settle(Promise.all([this.pub, this.sub].filter(ready).map((client) => client.quit())));
    this.pub.disconnect();
    this.sub.disconnect();
  }
}
