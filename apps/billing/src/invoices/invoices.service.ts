import { Injectable } from '@nestjs/common';
import {
  DownloadView,
  FilesRpc,
  InvoiceBuyerView,
  InvoiceProfileBody,
  InvoiceProfileView,
  InvoiceView,
  WorkspaceGrant,
  WorkspaceRpc,
} from '@fpms/contracts';
import { sideOf, WorkspaceAction, WorkspaceRole } from '@fpms/auth/permissions';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import type { TenantManager } from '@fpms/database/tenant-manager';
import { RpcClient } from '@fpms/messaging/rpc/rpc-client';
import type { VerifiedRpc } from '@fpms/messaging/rpc/verified-rpc';
import { callerContext } from '../payments/caller-context';
import type { InvoiceRecord } from './invoice';
import { InvoiceError } from './invoices.errors';
import { InvoiceProfile, InvoicesRepository } from './invoices.repository';

/**
 * Members read their workspace's invoices; the account owner sets the invoicing details, the
 * client admin the buyer's. Who may is the workspace service's answer (`authorize`): a
 * non-member gets 404 there, before any invoice is looked at; an invoice id of another
 * workspace is 404 here (RLS scopes every read to the granted workspace).
 */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly rpc: RpcClient,
    private readonly invoices: InvoicesRepository,
  ) {}

  async profile(caller: VerifiedRpc<unknown>): Promise<InvoiceProfileView> {
    const accountId = ownAccount(caller);
    return this.tx.run({ accountId, userId: caller.userId }, async (m) => profileView(await this.invoices.profile(m, accountId)));
  }

  async setProfile(caller: VerifiedRpc<unknown>, body: InvoiceProfileBody): Promise<InvoiceProfileView> {
    const accountId = ownAccount(caller);
    return this.tx.run({ accountId, userId: caller.userId }, async (m) => {
      const current = await this.invoices.profile(m, accountId);
      const next: InvoiceProfile = {
        ...current,
        businessName: body.businessName ?? current.businessName,
        address: body.address === undefined ? current.address : body.address,
        taxId: body.taxId === undefined ? current.taxId : body.taxId,
        taxRateBasisPoints: body.taxRateBasisPoints ?? current.taxRateBasisPoints,
        taxNote: body.taxNote === undefined ? current.taxNote : body.taxNote,
        invoicePattern: body.invoiceNumberPattern ?? current.invoicePattern,
        creditNotePattern: body.creditNoteNumberPattern ?? current.creditNotePattern,
      };
      return profileView(await this.invoices.saveProfile(m, next));
    });
  }

  async setBuyer(
    caller: VerifiedRpc<unknown>,
    input: { workspaceId: string; name: string; address?: string | null; taxId?: string | null },
  ): Promise<InvoiceBuyerView> {
    const grant = await this.authorize(caller, input.workspaceId, WorkspaceAction.FundMilestones);
    return this.tx.run({ accountId: grant.accountId, workspaceId: input.workspaceId, userId: caller.userId }, async (m) => {
      const saved = await this.invoices.saveBuyer(m, {
        accountId: grant.accountId,
        workspaceId: input.workspaceId,
        name: input.name,
        address: input.address ?? null,
        taxId: input.taxId ?? null,
        by: caller.userId,
      });
      return {
        workspaceId: saved.workspaceId,
        name: saved.name,
        address: saved.address,
        taxId: saved.taxId,
        updatedAt: saved.updatedAt.toISOString(),
      };
    });
  }

  async list(caller: VerifiedRpc<unknown>, workspaceId: string): Promise<{ items: InvoiceView[] }> {
    const grant = await this.authorize(caller, workspaceId, WorkspaceAction.ReadMilestones);
    return this.inWorkspace(caller, grant, async (m) => {
      const docs = await this.invoices.list(m, workspaceId);
      return {
        items: docs.map((d) =>
          toView(
            d,
            grant.role,
            docs.filter((c) => c.creditFor === d.id),
          ),
        ),
      };
    });
  }

  async get(caller: VerifiedRpc<unknown>, workspaceId: string, invoiceId: string): Promise<InvoiceView> {
    const grant = await this.authorize(caller, workspaceId, WorkspaceAction.ReadMilestones);
    return this.inWorkspace(caller, grant, async (m) => {
      const doc = await this.invoices.find(m, workspaceId, invoiceId);
      if (!doc) throw InvoiceError.missing();
      return toView(doc, grant.role, doc.kind === 'invoice' ? await this.invoices.creditNotesOf(m, [doc.id]) : []);
    });
  }

  /** The stored PDF's download, through the files service with the caller's own token (its access rules apply too). */
  async pdf(caller: VerifiedRpc<unknown>, workspaceId: string, invoiceId: string): Promise<DownloadView> {
    const grant = await this.authorize(caller, workspaceId, WorkspaceAction.ReadMilestones);
    const doc = await this.inWorkspace(caller, grant, (m) => this.invoices.find(m, workspaceId, invoiceId));
    if (!doc) throw InvoiceError.missing();
    if (!doc.fileId || !doc.fileVersionId) throw InvoiceError.pdfNotReady();
    return this.rpc.call(
      FilesRpc.downloadUrl,
      { workspaceId, fileId: doc.fileId, versionId: doc.fileVersionId },
      callerContext(caller, workspaceId),
    );
  }

  private authorize(caller: VerifiedRpc<unknown>, workspaceId: string, action: WorkspaceAction): Promise<WorkspaceGrant> {
    return this.rpc.call(WorkspaceRpc.authorize, { workspaceId, action }, callerContext(caller, workspaceId));
  }

  private inWorkspace<T>(caller: VerifiedRpc<unknown>, grant: WorkspaceGrant, work: (m: TenantManager) => Promise<T>): Promise<T> {
    return this.tx.run({ accountId: grant.accountId, workspaceId: grant.workspaceId, userId: caller.userId }, work);
  }
}

function ownAccount(caller: VerifiedRpc<unknown>): string {
  if (!caller.accountId) throw InvoiceError.ownerRequired();
  return caller.accountId;
}

function profileView(p: InvoiceProfile): InvoiceProfileView {
  return {
    businessName: p.businessName,
    address: p.address,
    taxId: p.taxId,
    taxRateBasisPoints: p.taxRateBasisPoints,
    taxNote: p.taxNote,
    invoiceNumberPattern: p.invoicePattern,
    creditNoteNumberPattern: p.creditNotePattern,
    updatedAt: p.updatedAt?.toISOString() ?? null,
  };
}

function toView(d: InvoiceRecord, role: WorkspaceGrant['role'], creditNotes: InvoiceRecord[]): InvoiceView {
  const freelancerSide = role !== 'former_client' && sideOf(role as WorkspaceRole) === 'freelancer';
  return {
    id: d.id,
    kind: d.kind,
    number: d.number,
    workspaceId: d.workspaceId,
    milestoneId: d.milestoneId,
    orderId: d.orderId,
    creditFor: d.creditFor ? { invoiceId: d.creditFor, number: d.creditForNumber as string } : null,
    refundId: d.refundKey,
    currency: d.currency,
    seller: d.seller,
    buyer: d.buyer,
    lines: d.lines,
    subtotal: d.subtotal,
    taxRateBasisPoints: d.taxRateBasisPoints,
    taxAmount: d.taxAmount,
    total: d.total,
    taxNote: d.taxNote,
    platformFee: freelancerSide ? d.platformFee : null,
    issuedAt: d.issuedAt.toISOString(),
    paidAt: d.paidAt?.toISOString() ?? null,
    pdf: { status: d.pdfStatus === 'stored' ? 'stored' : 'pending', fileId: d.fileId, fileVersionId: d.fileVersionId },
    creditNotes: creditNotes.map((c) => ({ id: c.id, number: c.number, total: c.total, issuedAt: c.issuedAt.toISOString() })),
  };
}
