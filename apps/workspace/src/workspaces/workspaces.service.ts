import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { WorkspaceCreatedData, WorkspaceEvents, WorkspaceView } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { OutboxWriter } from '@fpms/messaging';
import { WorkspaceEntity } from './entities/workspace.entity';
import { WorkspaceError } from './workspace.errors';
import { WorkspacesRepository } from './workspaces.repository';

export interface Actor {
  userId: string;
  accountId?: string;
  requestId: string;
}

function toView(w: WorkspaceEntity): WorkspaceView {
  return { id: w.id, accountId: w.accountId, name: w.name, clientName: w.clientName, createdBy: w.createdBy, createdAt: w.createdAt.toISOString() };
}

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly workspaces: WorkspacesRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  create(actor: Actor, input: { name: string; clientName?: string }): Promise<WorkspaceView> {
    const accountId = this.requireAccount(actor);
    const id = randomUUID();
    return this.tx.run({ accountId, workspaceId: id }, async (manager) => {
      const workspace = await this.workspaces.insert(manager, {
        id,
        accountId,
        name: input.name,
        clientName: input.clientName ?? null,
        createdBy: actor.userId,
      });
      await this.outbox.add<WorkspaceCreatedData>(manager, {
        type: WorkspaceEvents.workspaceCreated,
        tenant: { accountId, workspaceId: id },
        aggregateId: id,
        aggregateVersion: 1,
        requestId: actor.requestId,
        data: { workspaceId: id, accountId, name: workspace.name, createdBy: actor.userId },
      });
      return toView(workspace);
    });
  }

  list(actor: Actor): Promise<{ items: WorkspaceView[] }> {
    const accountId = this.requireAccount(actor);
    return this.tx.run({ accountId }, async (manager) => ({
      items: (await this.workspaces.listByAccount(manager, accountId)).map(toView),
    }));
  }

  get(actor: Actor, workspaceId: string): Promise<WorkspaceView> {
    const accountId = this.requireAccount(actor);
    return this.tx.run({ accountId, workspaceId }, async (manager) => {
      const workspace = await this.workspaces.findById(manager, accountId, workspaceId);
      if (!workspace) throw WorkspaceError.workspaceNotFound(workspaceId);
      return toView(workspace);
    });
  }

  private requireAccount(actor: Actor): string {
    if (!actor.accountId) throw WorkspaceError.noAccount();
    return actor.accountId;
  }
}
