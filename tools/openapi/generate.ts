import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildGatewayDocument, buildWebhooksDocument } from './gateway-document';

/** The repository's root, from tools/openapi (source) or dist/tools/openapi (compiled). */
export const REPO_ROOT = __dirname.includes(`${join('dist', 'tools')}`) ? join(__dirname, '..', '..', '..') : join(__dirname, '..', '..');

export const GENERATED_FILES = {
  gateway: 'docs/openapi.json',
  webhooks: 'docs/openapi.webhooks.json',
  clientTypes: 'libs/api-client/src/paths.ts',
} as const;

/** Every generated file's path and text: what `npm run openapi` writes and the drift test compares. */
export async function generateApiDocuments(root: string): Promise<Record<string, string>> {
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const gateway = buildGatewayDocument(root, version);
  const webhooks = buildWebhooksDocument(root, version);
  return {
    [GENERATED_FILES.gateway]: `${JSON.stringify(gateway, null, 2)}\n`,
    [GENERATED_FILES.webhooks]: `${JSON.stringify(webhooks, null, 2)}\n`,
  };
}
