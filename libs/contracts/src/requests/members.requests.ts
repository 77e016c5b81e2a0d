import { INVITABLE_ROLE_VALUES, type InvitableRole } from '../rpc/workspace-roles';
import { Addressed } from './addressed';
import { OneOf } from './field-decorators';

export class ChangeMemberRoleBody {
  @OneOf(INVITABLE_ROLE_VALUES)
  role!: InvitableRole;
}

export class ChangeMemberRoleRequest extends Addressed(ChangeMemberRoleBody, 'workspaceId', 'userId') {}
