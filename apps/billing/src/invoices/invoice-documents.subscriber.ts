import { Injectable, Logger } from '@nestjs/common';
import { DocumentStoredData, EventEnvelope } from '@fpms/contracts';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { InvoicesRepository } from './invoices.repository';

/** `files.document.stored`: the files service holds an invoice's PDF; the invoice records which file version (once). */
@Injectable()
export class InvoiceDocumentsSubscriber {
  private readonly logger = new Logger(InvoiceDocumentsSubscriber.name);

  constructor(private readonly invoices: InvoicesRepository) {}

  async handle(event: EventEnvelope<DocumentStoredData>, manager: TenantManager): Promise<void> {
    const stored = await this.invoices.markStored(manager, event.data.documentId, {
      fileId: event.data.fileId,
      versionId: event.data.versionId,
    });
    if (!stored) this.logger.debug(`document ${event.data.documentId}: stored already (or not billing's), nothing to record`);
  }
}
