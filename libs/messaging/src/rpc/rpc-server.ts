import { MicroserviceOptions } from '@nestjs/microservices';
import { durableQueueArguments, QueueType } from '../queue-type';
import { AckingRmqServer } from './acking-rmq-server';

export interface RpcServerOptions {
  url: string;
  queue: string;
  prefetch?: number;
  queueType?: QueueType;
}

/** Options for `app.connectMicroservice()`: durable queue, manual ack, bounded prefetch. */
export function rpcServerStrategy(options: RpcServerOptions): MicroserviceOptions {
  return {
    strategy: new AckingRmqServer({
      urls: [options.url],
      queue: options.queue,
      queueOptions: { durable: true, arguments: durableQueueArguments(options.queueType ?? 'classic') },
      noAck: false,
      prefetchCount: options.prefetch ?? 20,
      // Nagle off: replies are small frames that must not wait for the broker's ACK.
      socketOptions: { heartbeatIntervalInSeconds: 5, reconnectTimeInSeconds: 1, connectionOptions: { noDelay: true } },
    }),
  };
}
