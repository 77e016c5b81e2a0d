import { Injectable, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Metrics } from '@fpms/common/metrics/metrics';
import { AMQP_QUEUE_TYPE, QueueType } from '../queue-type';
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
    {
      provide: RpcClient,
      inject: [
        { token: AMQP_QUEUE_TYPE, optional: true },
        { token: Metrics, optional: true },
      ],
      useFactory: (queueType?: QueueType, metrics?: Metrics) =>
        new RpcClient({ url: options.amqpUrl, timeoutMs: options.timeoutMs, queueType, metrics }),
    },
    RpcClientLifecycle,
  ];
}
