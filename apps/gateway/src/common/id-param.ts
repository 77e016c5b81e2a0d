import { Param, PipeTransform } from '@nestjs/common';
import { AppError } from '@fpms/common/errors/app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id names nothing: the same 404 as a missing or foreign one. */
class UuidOr404Pipe implements PipeTransform<string, string> {
  constructor(private readonly code: string, private readonly what: string) {}

  transform(value: string): string {
    if (!UUID.test(value)) throw new AppError(404, this.code, `${this.what} not found`);
    return value.toLowerCase();
  }
}

/** `@IdParam('workspaceId', 'workspace_not_found', 'Workspace')` */
export const IdParam = (name: string, code: string, what: string) => Param(name, new UuidOr404Pipe(code, what));
export const WorkspaceIdParam = () => IdParam('workspaceId', 'workspace_not_found', 'Workspace');
