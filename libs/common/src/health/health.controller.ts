import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppError } from '../errors/app-error';
import { CommonErrorCode } from '@fpms/contracts/errors/common.errors';
import { READINESS_PROBES, ReadinessProbe } from './readiness-probe';

const PROBE_TIMEOUT_MS = 2000;

function withTimeout<T>(work: Promise<T> | T, ms: number): Promise<T> {
  return Promise.race([
    Promise.resolve(work),
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}

@Controller('health')
export class HealthController {
  private readonly logger = new Logger('HealthController');

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  /** The process is up and its event loop answers. */
  @Get('live')
  live() {
    return this.health.check([]);
  }

  /** The service can do its work: every dependency answers (503 with details if not). */
  @Get('ready')
  async ready() {
    try {
      return await this.health.check(this.probes.map((probe) => () => this.runProbe(probe)));
    } catch (error) {
      if (error instanceof ServiceUnavailableException) {
        throw new AppError(503, CommonErrorCode.ServiceUnavailable, 'Service is not ready', error.getResponse());
      }
      throw error;
    }
  }

  private async runProbe(probe: ReadinessProbe): Promise<HealthIndicatorResult> {
    const session = this.indicators.check(probe.name);
    try {
      return (await withTimeout(probe.isReady(), PROBE_TIMEOUT_MS)) ? session.up() : session.down();
    } catch (error) {
      // The endpoint is public: it names the dependency that is down, never the driver's
      // message (host names, ports, user names). The log keeps the message.
      this.logger.warn({ dependency: probe.name, err: error }, 'readiness probe failed');
      return session.down({ reason: /no answer within/.test((error as Error)?.message ?? '') ? 'timeout' : 'unreachable' });
    }
  }
}
