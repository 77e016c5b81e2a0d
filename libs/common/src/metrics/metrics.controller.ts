import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Metrics } from './metrics';

/**
 * GET /metrics in Prometheus' text format, on every service's HTTP port. Outside the
 * public API prefix and not routed by the Ingress (only /api, /socket.io and
 * /webhooks/stripe are): Prometheus scrapes pods directly, inside the cluster.
 */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    res.setHeader('Content-Type', contentType);
    res.setHeader('Cache-Control', 'no-store');
    // end(), not send(): Express would append its own charset to Prometheus' content type.
    res.status(200).end(body);
  }
}
