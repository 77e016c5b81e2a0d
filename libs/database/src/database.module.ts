import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DatabaseConfig } from './database-config';
import { TenantTransactions } from './tenant-transactions';

/** Name of the BYPASSRLS DataSource: inject it only in cross-tenant code paths. */
export const SYSTEM_DATA_SOURCE = 'system';

/**
 * Two connection pools per service: the default one as the runtime role (RLS applies)
 * and `system` as the BYPASSRLS role. Schema changes only ever come from migrations.
 */
@Module({})
export class DatabaseModule {
  static forRoot(config: DatabaseConfig, entities: TypeOrmModuleOptions['entities'], applicationName: string): DynamicModule {
    const common = {
      type: 'postgres' as const,
      host: config.host,
      port: config.port,
      database: config.database,
      entities,
      synchronize: false,
      migrationsRun: false,
      retryAttempts: 5,
      retryDelay: 1000,
      extra: { max: config.poolSize, application_name: applicationName, connectionTimeoutMillis: 5000 },
    };
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRoot({ ...common, username: config.runtime.user, password: config.runtime.password }),
        TypeOrmModule.forRoot({
          ...common,
          name: SYSTEM_DATA_SOURCE,
          username: config.system.user,
          password: config.system.password,
          extra: { ...common.extra, max: Math.max(2, Math.ceil(config.poolSize / 2)) },
        }),
      ],
      providers: [
        { provide: TenantTransactions, useFactory: (ds: DataSource) => new TenantTransactions(ds), inject: [getDataSourceToken()] },
      ],
      exports: [TenantTransactions, TypeOrmModule],
    };
  }
}
