import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PersonalDataRpc, RpcContext } from '@fpms/contracts';
import { AccessTokenService } from '@fpms/auth/access-token';
import { Clock } from '@fpms/common/scheduling/clock';
import { LeasedClaimsJob } from '@fpms/common/scheduling/leased-claims-job';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { SECURITY_OPTIONS, SecurityEmails, SecurityOptions } from '../security/security-emails';
import { DataExportRow, DataExportsRepository } from './data-exports.repository';

export const DATA_EXPORT_POLL_MS = Symbol('DATA_EXPORT_POLL_MS');

/** How long a ready archive can be downloaded (issue 18: 7 days); the files service deletes it then. */
export const DATA_EXPORT_RETENTION_MS = 7 * 86_400_000;
/** Gathering may take a while for a busy user; a replica that dies mid-way frees the export after this. */
const LEASE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;
const SECTION_TIMEOUT_MS = 60_000;
const ARCHIVE_TIMEOUT_MS = 5 * 60_000;

type Outcome = 'ready' | 'retrying' | 'failed';

/**
 * Works off personal-data exports (issue 18 part 4), on every replica (leases: one replica
 * per export). Each service is asked for what it holds about the user, by RPC on the user's
 * behalf (a token minted for them, so every service applies its own checks and RLS), never
 * by reading its database; the files service adds the user's uploads and stores the ZIP.
 * Then, in one transaction, the export is ready and the email with its link is queued.
 * A failure retries with backoff (the files service's build is idempotent per export),
 * five attempts at most.
 */
@Injectable()
export class DataExportJob extends LeasedClaimsJob<DataExportRow, Outcome> {
  private readonly logger = new Logger(DataExportJob.name);

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: DataExportsRepository,
    private readonly rpc: RpcClient,
    private readonly tokens: AccessTokenService,
    private readonly emails: SecurityEmails,
    private readonly clock: Clock,
    @Inject(SECURITY_OPTIONS) private readonly options: SecurityOptions,
    @Inject(DATA_EXPORT_POLL_MS) intervalMs: number,
  ) {
    super(DataExportJob.name, intervalMs, 5, ['ready', 'retrying', 'failed']);
  }

  protected claim(limit: number): Promise<DataExportRow[]> {
    return this.db.transaction((m) => this.repo.claimDue(m, this.clock.now(), LEASE_MS, limit));
  }

  protected describe(claim: DataExportRow): string {
    return `data export ${claim.id}`;
  }

  protected async handle(job: DataExportRow): Promise<Outcome> {
    try {
      await this.build(job);
      return 'ready';
    } catch (error) {
      const message = (error as Error).message;
      const retryAt = job.attempts >= MAX_ATTEMPTS ? null : new Date(this.clock.now().getTime() + 30_000 * 2 ** (job.attempts - 1));
      await this.db.transaction((m) => this.repo.markAttemptFailed(m, job.id, message, retryAt));
      this.logger.warn(`data export ${job.id} attempt ${job.attempts} failed${retryAt ? '' : ' for good'}: ${message}`);
      return retryAt ? 'retrying' : 'failed';
    }
  }

  private async build(job: DataExportRow): Promise<void> {
    const [user] = await this.db.query(`select id, email, display_name, erased_at from users where id = $1`, [job.userId]);
    if (!user || user.erased_at) throw new Error('the user was erased');
    const ctx: RpcContext = {
      requestId: job.requestId ?? `data-export-${job.id}`,
      userId: job.userId,
      ...(job.accountId ? { accountId: job.accountId } : {}),
      token: this.tokens.sign({ sub: job.userId, acc: job.accountId ?? undefined, email: user.email }),
    };
    const sections: Record<string, unknown> = await this.repo.gatewaySections(this.db.manager, job.userId);
    for (const pattern of [PersonalDataRpc.workspace, PersonalDataRpc.messaging, PersonalDataRpc.billing]) {
      const part = await this.rpc.call(pattern, {}, ctx, { timeoutMs: SECTION_TIMEOUT_MS });
      Object.assign(sections, part.sections);
    }
    const archive = await this.rpc.call(
      PersonalDataRpc.buildArchive,
      { exportId: job.id, expiresAt: new Date(this.clock.now().getTime() + DATA_EXPORT_RETENTION_MS).toISOString(), sections },
      ctx,
      { timeoutMs: ARCHIVE_TIMEOUT_MS },
    );
    const expiresAt = new Date(archive.expiresAt);
    await this.db.transaction(async (m) => {
      const marked = await this.repo.markReady(m, job.id, {
        readyAt: this.clock.now(),
        expiresAt,
        sizeBytes: archive.sizeBytes,
        files: archive.files,
        sha256: archive.sha256,
      });
      if (!marked) return;
      await this.emails.send(m, { id: user.id, email: user.email, displayName: user.display_name }, 'data_export_ready', {
        link: new URL(`account/exports/${job.id}`, withSlash(this.options.appPublicUrl)).toString(),
        expiresAt,
        requestId: ctx.requestId,
      });
    });
  }
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
