import { Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { RpcClient } from '../rpc/rpc-client';

/** Closes the service's RPC client last, after in-flight requests are done. */
@Injectable()
export class RpcClientLifecycle implements OnApplicationShutdown {
  constructor(private readonly client: RpcClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}

/** An RpcClient for calling other services (every call with a timeout), closed on shutdown. */
export function rpcClientProviders(options: { amqpUrl: string; timeoutMs: number }): Provider[] {
  return [
    { provide: RpcClient, useFactory: () => new RpcClient({ url: options.amqpUrl, timeoutMs: options.timeoutMs }) },
    RpcClientLifecycle,
  ];
}
