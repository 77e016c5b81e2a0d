import { Injectable } from '@nestjs/common';
import { PersonalDataSections } from '@fpms/contracts';
import { TenantTransactions } from '@fpms/database/tenant-transactions';
import { Actor } from '../access/actor';
import { PersonalDataRepository } from './personal-data.repository';

/**
 * The workspace service's part of a personal-data export (issue 18 part 4): the user's
 * memberships and owned accounts, then, workspace by workspace in that tenant's own
 * transaction (RLS), what they are the subject of there.
 */
@Injectable()
export class PersonalDataService {
  constructor(
    private readonly tx: TenantTransactions,
    private readonly repo: PersonalDataRepository,
  ) {}

  async export(actor: Actor): Promise<PersonalDataSections> {
    const memberships = await this.tx.runForUser({ userId: actor.userId }, (m) => this.repo.membershipsOf(m, actor.userId));
    const ownedAccountId = actor.accountId;
    const account = ownedAccountId
      ? await this.tx.run({ accountId: ownedAccountId, userId: actor.userId }, (m) =>
          this.repo.ownedAccount(m, ownedAccountId, actor.userId),
        )
      : null;
    const workspaces = [];
    for (const membership of memberships) {
      const { accountId, workspaceId } = membership;
      const held = await this.tx.run({ accountId, workspaceId, userId: actor.userId }, (m) =>
        this.repo.inWorkspace(m, workspaceId, actor.userId),
      );
      workspaces.push({ ...membership, ...held });
    }
    return { sections: { 'workspace/account.json': account, 'workspace/workspaces.json': workspaces } };
  }
}
