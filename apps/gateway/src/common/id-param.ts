import { Param, PipeTransform } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';
import { AccessErrorCode, type ErrorCode } from '@fpms/contracts/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names nothing: the same 404 as a missing or foreign one. */
class UuidOr404Pipe implements PipeTransform<string, string> {
  constructor(
    private readonly code: ErrorCode,
    private readonly what: string,
  ) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new AppError(404, this.code, `${this.what} not found`);
    return value.toLowerCase();
  }
}

/** `@IdParam('workspaceId', AccessErrorCode.WorkspaceNotFound, 'Workspace')`: the code the owning service answers for a missing id. */
export const IdParam = (name: string, code: ErrorCode, what: string) => Param(name, new UuidOr404Pipe(code, what));
export const WorkspaceIdParam = () => IdParam('workspaceId', AccessErrorCode.WorkspaceNotFound, 'Workspace');
