import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PersonalDataArchiveUrlView, PersonalDataRpc } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import { Principal, rpcContextFor } from '../auth/principal';
import { DataExportError } from './data-export.errors';
import { DataExportRow, DataExportsRepository } from './data-exports.repository';

export interface DataExportView {
  id: string;
  /** `expired` once the archive's 7 days are over (it is deleted then). */
  status: 'pending' | 'ready' | 'failed' | 'expired';
  requestedAt: string;
  readyAt: string | null;
  expiresAt: string | null;
  sizeBytes: number | null;
  /** How many of the user's uploaded files the archive holds. */
  files: number | null;
  sha256: string | null;
  /** Where to ask for the download URL while it is ready. */
  downloadPath: string | null;
}

/**
 * Personal-data export (issue 18 part 4), what the user asks and sees: asking queues a job
 * (one pending per user: asking again answers the same export) that the export poller
 * works off; a ready export is downloaded through a short-lived URL of the files service.
 */
@Injectable()
export class DataExportService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: DataExportsRepository,
    private readonly rpc: RpcClient,
    private readonly clock: Clock,
  ) {}

  async request(principal: Principal, requestId: string): Promise<DataExportView> {
    const row = await this.db.transaction((m) =>
      this.repo.requestOnce(m, {
        id: randomUUID(),
        userId: principal.userId,
        accountId: principal.accountId ?? null,
        requestId,
        now: this.clock.now(),
      }),
    );
    return this.view(row);
  }

  async list(principal: Principal): Promise<{ items: DataExportView[] }> {
    const rows = await this.repo.listOf(this.db.manager, principal.userId, 20);
    return { items: rows.map((r) => this.view(r)) };
  }

  async get(principal: Principal, exportId: string): Promise<DataExportView> {
    return this.view(await this.require(principal, exportId));
  }

  async download(principal: Principal, exportId: string, requestId: string): Promise<PersonalDataArchiveUrlView> {
    const row = await this.require(principal, exportId);
    const view = this.view(row);
    if (view.status === 'expired') throw DataExportError.expired(exportId, view.expiresAt!);
    if (view.status !== 'ready') throw DataExportError.notReady(exportId, view.status);
    return this.rpc.call(PersonalDataRpc.archiveUrl, { exportId }, rpcContextFor(principal, requestId));
  }

  private async require(principal: Principal, exportId: string): Promise<DataExportRow> {
    const row = await this.repo.find(this.db.manager, principal.userId, exportId);
    if (!row) throw DataExportError.exportNotFound(exportId);
    return row;
  }

  private view(row: DataExportRow): DataExportView {
    const expired = row.status === 'ready' && row.expiresAt !== null && row.expiresAt.getTime() <= this.clock.now().getTime();
    const status = expired ? 'expired' : row.status;
    return {
      id: row.id,
      status,
      requestedAt: row.requestedAt.toISOString(),
      readyAt: row.readyAt?.toISOString() ?? null,
      expiresAt: row.expiresAt?.toISOString() ?? null,
      sizeBytes: row.sizeBytes,
      files: row.files,
      sha256: row.sha256,
      downloadPath: status === 'ready' ? `/api/v1/me/exports/${row.id}/download` : null,
    };
  }
}
