import { Addressed } from './addressed';
import { FIELD_LIMITS } from './field-limits';
import { EntityId, IntInRange, Optional, OptionalNullable, Text } from './field-decorators';

/** Called by the gateway at signup: the account (tenant) the new user owns. */
export class CreateAccountRequest {
  @EntityId()
  accountId!: string;

  @Text(FIELD_LIMITS.nameLength)
  name!: string;
}

export class CreateWorkspaceBody {
  @Text(FIELD_LIMITS.nameLength)
  name!: string;

  @Optional()
  @Text(FIELD_LIMITS.nameLength)
  clientName?: string;
}

export class UpdateWorkspaceBody {
  @Optional()
  @Text(FIELD_LIMITS.nameLength)
  name?: string;

  /** null clears it. */
  @OptionalNullable()
  @Text(FIELD_LIMITS.nameLength)
  clientName?: string | null;

  /** Days the client has to review a submission before it is approved automatically. */
  @Optional()
  @IntInRange(FIELD_LIMITS.reviewWindowDays)
  reviewWindowDays?: number;
}

export class UpdateWorkspaceRequest extends Addressed(UpdateWorkspaceBody, 'workspaceId') {}

/** Service to service: may the caller do `action` in the workspace (see WorkspaceRpc.authorize)? */
class AuthorizeFields {
  @Text({ min: 1, max: FIELD_LIMITS.authorizeActionMaxLength })
  action!: string;

  @Optional()
  @EntityId()
  fileVersionId?: string;
}

export class AuthorizeRequest extends Addressed(AuthorizeFields, 'workspaceId') {}
