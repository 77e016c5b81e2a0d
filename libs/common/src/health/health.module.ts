import { DynamicModule, FactoryProvider, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_PROBES } from './readiness-probe';

/**
 * `/health/live` and `/health/ready` on every service. The service supplies its probes
 * through a provider for READINESS_PROBES.
 */
@Module({})
export class HealthModule {
  static forRoot(
    probes: Omit<Provider, 'provide'> & { useFactory: (...args: any[]) => unknown; inject?: FactoryProvider['inject'] },
  ): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_PROBES, ...probes } as Provider],
    };
  }
}
