/** The files `npm run openapi` writes (paths from the repository's root). */
export const GENERATED_FILES = {
  gateway: 'docs/openapi.json',
  webhooks: 'docs/openapi.webhooks.json',
  clientTypes: 'libs/api-client/src/paths.ts',
} as const;
