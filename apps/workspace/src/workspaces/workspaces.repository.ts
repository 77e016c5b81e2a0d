import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { WorkspaceEntity } from './entities/workspace.entity';

/** SQL for workspaces, always inside a tenant transaction (RLS is the second line of defence). */
@Injectable()
export class WorkspacesRepository {
  insert(manager: EntityManager, workspace: Omit<WorkspaceEntity, 'createdAt'>): Promise<WorkspaceEntity> {
    const repo = manager.getRepository(WorkspaceEntity);
    return repo.save(repo.create(workspace));
  }

  listByAccount(manager: EntityManager, accountId: string, limit = 100): Promise<WorkspaceEntity[]> {
    return manager.getRepository(WorkspaceEntity).find({ where: { accountId }, order: { createdAt: 'DESC', id: 'ASC' }, take: limit });
  }

  findById(manager: EntityManager, accountId: string, id: string): Promise<WorkspaceEntity | null> {
    return manager.getRepository(WorkspaceEntity).findOneBy({ accountId, id });
  }
}
