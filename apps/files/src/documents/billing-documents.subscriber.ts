import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DocumentRenderedData, EventEnvelope, FilesEvents } from '@fpms/contracts';
import { Clock } from '@fpms/common/scheduling/clock';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { OutboxWriter, PermanentEventError } from '@fpms/messaging';
import { PinsRepository } from '../pins/pins.repository';
import { ObjectStorage } from '../storage/object-storage';
import { storageKey } from '../storage/storage-key';
import { BillingDocumentsRepository } from './billing-documents.repository';

/**
 * `billing.document.rendered`: an invoice's or credit note's PDF, stored as a file of its
 * workspace — one file, one ready version, a `document` pin no member can remove (so it can
 * never be deleted), counted in the account's storage. Once per document: the document id is
 * the key (`stored_documents`, under an advisory lock), and `files.document.stored` goes back
 * to billing in the same transaction. The object is written before the commit; a transaction
 * that then fails leaves an unreferenced object (a redelivery writes a new one).
 */
@Injectable()
export class BillingDocumentsSubscriber {
  private readonly logger = new Logger(BillingDocumentsSubscriber.name);

  constructor(
    private readonly documents: BillingDocumentsRepository,
    private readonly pins: PinsRepository,
    private readonly storage: ObjectStorage,
    private readonly outbox: OutboxWriter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async handle(event: EventEnvelope<DocumentRenderedData>, manager: TenantManager): Promise<void> {
    const data = event.data;
    const accountId = event.tenant.accountId;
    if (event.tenant.workspaceId !== data.workspaceId || event.aggregateId !== data.documentId)
      throw new PermanentEventError(`invalid ${event.type}: tenant or aggregate does not match the document`);
    const bytes = Buffer.from(data.contentBase64, 'base64');
    if (bytes.length !== data.size || createHash('sha256').update(bytes).digest('hex') !== data.sha256)
      throw new PermanentEventError(`invalid ${event.type}: the bytes do not match their size and SHA-256`);

    await this.documents.lockDocument(manager, data.documentId);
    const existing = await this.documents.find(manager, data.documentId);
    if (existing) {
      this.logger.debug(`document ${data.documentId} is stored already (file ${existing.fileId})`);
      return;
    }
    const fileId = randomUUID();
    const versionId = randomUUID();
    const key = storageKey({ accountId, workspaceId: data.workspaceId, fileId, versionId });
    await this.storage.put(key, bytes, data.contentType);
    const now = this.clock.now();
    await this.documents.insertStored(manager, {
      documentId: data.documentId,
      accountId,
      workspaceId: data.workspaceId,
      fileId,
      versionId,
      name: data.fileName,
      size: bytes.length,
      contentType: data.contentType,
      storageKey: key,
      sha256: data.sha256,
      pinnedFor: `${data.kind}:${data.documentId}`,
      at: now,
    });
    await this.pins.refreshSummary(manager, [versionId]);
    await this.outbox.add(manager, {
      type: FilesEvents.documentStored,
      tenant: { accountId, workspaceId: data.workspaceId },
      aggregateId: fileId,
      aggregateVersion: 1,
      occurredAt: now.toISOString(),
      data: { documentId: data.documentId, workspaceId: data.workspaceId, fileId, versionId },
    });
  }
}
