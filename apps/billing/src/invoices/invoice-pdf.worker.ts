import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BILLING_DOCUMENT_MAX_BYTES, BillingDocumentEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import { ScheduledJob } from '@fpms/common/scheduling/scheduled-job';
import { SYSTEM_DATA_SOURCE } from '@fpms/database/database.module';
import { systemTransaction, type SystemManager } from '@fpms/database/tenant-manager';
import { OutboxWriter } from '@fpms/messaging/events/outbox-writer';
import { releaseRetryDelaySeconds } from '../release/release-backoff';
import type { InvoiceRecord } from './invoice';
import { renderInvoicePdf } from './invoice-pdf';
import { InvoicesRepository } from './invoices.repository';

export const INVOICE_PDF_OPTIONS = Symbol('INVOICE_PDF_OPTIONS');

export interface InvoicePdfOptions {
  /** 0 disables the loop (finalising still wakes it). */
  pollIntervalMs: number;
  batchSize: number;
  retryBaseSeconds: number;
}

export interface PdfRound {
  rendered: number;
  failed: number;
}

/**
 * Renders each finalised document's PDF after its transaction committed and hands it to the
 * files service: the bytes travel in `billing.document.rendered` through the outbox, written
 * in the same transaction that marks the document `rendered`, so a crash renders again and a
 * rendered PDF is never lost. The files service stores it in the workspace, pinned, and
 * answers `files.document.stored` (InvoiceDocumentsSubscriber records the file version).
 * Documents are claimed FOR UPDATE SKIP LOCKED: every replica runs this, each document once.
 * A rendering failure is retried with the release backoff.
 */
@Injectable()
export class InvoicePdfWorker extends ScheduledJob<PdfRound> {
  private readonly logger = new Logger(InvoicePdfWorker.name);
  private wakePending = false;

  constructor(
    @InjectDataSource(SYSTEM_DATA_SOURCE) private readonly system: DataSource,
    private readonly invoices: InvoicesRepository,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(INVOICE_PDF_OPTIONS) private readonly options: InvoicePdfOptions,
  ) {
    super(InvoicePdfWorker.name, options.pollIntervalMs);
  }

  /** A document was finalised: render soon after its transaction has had time to commit. */
  wakeSoon(): void {
    if (this.wakePending) return;
    this.wakePending = true;
    setTimeout(() => {
      this.wakePending = false;
      this.runOnce().catch((error: unknown) => this.logger.warn(`PDF round failed: ${(error as Error).message}`));
    }, 100).unref();
  }

  protected async round(): Promise<PdfRound> {
    const round: PdfRound = { rendered: 0, failed: 0 };
    for (;;) {
      const batch = await systemTransaction(this.system, async (manager) => {
        const due = await this.invoices.claimPdfDue(manager, this.clock.now(), this.options.batchSize);
        for (const doc of due) round[(await this.renderOne(manager, doc)) ? 'rendered' : 'failed'] += 1;
        return due.length;
      });
      if (batch < this.options.batchSize) return round;
    }
  }

  private async renderOne(manager: SystemManager, doc: InvoiceRecord): Promise<boolean> {
    try {
      const pdf = await renderInvoicePdf(doc);
      if (pdf.length > BILLING_DOCUMENT_MAX_BYTES) throw new Error(`the PDF is ${pdf.length} bytes, above ${BILLING_DOCUMENT_MAX_BYTES}`);
      const sha256 = createHash('sha256').update(pdf).digest('hex');
      await this.outbox.add(manager, {
        type: BillingDocumentEvents.documentRendered,
        tenant: { accountId: doc.accountId, workspaceId: doc.workspaceId },
        aggregateId: doc.id,
        aggregateVersion: doc.pdfAttempts + 1,
        occurredAt: this.clock.now().toISOString(),
        data: {
          documentId: doc.id,
          workspaceId: doc.workspaceId,
          kind: doc.kind,
          number: doc.number,
          fileName: `${doc.number.replace(/[^A-Za-z0-9._ -]/g, '_')}.pdf`,
          contentType: 'application/pdf',
          size: pdf.length,
          sha256,
          contentBase64: pdf.toString('base64'),
        },
      });
      await this.invoices.markRendered(manager, doc.id, sha256);
      return true;
    } catch (error) {
      const attempts = doc.pdfAttempts + 1;
      const next = new Date(this.clock.now().getTime() + releaseRetryDelaySeconds(attempts, this.options.retryBaseSeconds) * 1000);
      await this.invoices.markPdfFailed(manager, doc.id, `${(error as Error).name}: ${(error as Error).message}`, next);
      this.logger.warn(`PDF of ${doc.kind} ${doc.number} not rendered (attempt ${attempts}): ${(error as Error).message}`);
      return false;
    }
  }
}
