import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { AppError } from '../errors/app-error';
import { CommonErrorCode } from '../errors/common-error-code';
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
      return session.down({ message: (error as Error).message });
    }
  }
}
