import { EntityId } from './field-decorators';

type Constructor<T = object> = new (...args: any[]) => T;

/** A request with nothing beyond its route: the base of requests that are only ids. */
export class NoFields {}

/**
 * An RPC request is the HTTP body (or query) plus the ids the route names. `Addressed(Body,
 * 'workspaceId', 'milestoneId')` is that request: the body's fields and checks, and each id
 * checked as a UUID. The gateway validates the body class; the service validates this one.
 */
export function Addressed<B extends Constructor, K extends string>(Body: B, ...ids: K[]): Constructor<InstanceType<B> & Record<K, string>> {
  class AddressedRequest extends Body {}
  for (const id of ids) EntityId()(AddressedRequest.prototype, id);
  Object.defineProperty(AddressedRequest, 'name', {
    value: `${Body.name}With${ids.map((id) => id[0].toUpperCase() + id.slice(1)).join('')}`,
  });
  return AddressedRequest as unknown as Constructor<InstanceType<B> & Record<K, string>>;
}

/** The request of every route that names only its workspace. */
export class WorkspaceRef extends Addressed(NoFields, 'workspaceId') {}
