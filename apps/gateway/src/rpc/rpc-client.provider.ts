import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';

/** Closes the gateway's RPC client last, after in-flight HTTP requests are done. */
@Injectable()
export class RpcClientLifecycle implements OnApplicationShutdown {
  constructor(private readonly client: RpcClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
