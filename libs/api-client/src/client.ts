import createClient, { type Client, type ClientOptions } from 'openapi-fetch';
import type { paths } from './paths';

export type { paths, components, operations } from './paths';

/** The typed client of the gateway's REST API: every path, parameter, body and answer of docs/openapi.json. */
export type FpmsClient = Client<paths>;

/**
 * A client of the gateway at `baseUrl` (`http://localhost:3000`, no `/api/v1`: the paths carry it),
 * sending `Authorization: Bearer <token>` when a token is given. Calls answer `{ data, error, response }`:
 * `data` typed by the documented success answer, `error` by the documented error body.
 *
 *   const api = createFpmsClient(gatewayUrl, token);
 *   const { data, error } = await api.POST('/api/v1/workspaces', { body: { name: 'Acme' } });
 */
export function createFpmsClient(baseUrl: string, token?: string, options: Omit<ClientOptions, 'baseUrl'> = {}): FpmsClient {
  const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  return createClient<paths>({ ...options, baseUrl: baseUrl.replace(/\/$/, ''), headers });
}
