import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { flushTracing } from './tracing';

/** Last thing an application does on shutdown: the spans still batched go to the collector. */
@Injectable()
export class TracingFlush implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await flushTracing();
  }
}
