import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateApiDocuments, REPO_ROOT } from './generate';

/**
 * `npm run openapi`: writes docs/openapi.json (the gateway), docs/openapi.webhooks.json
 * (billing's Stripe endpoints) and libs/api-client/src/paths.ts (the typed client's types).
 * Needs no database or broker: nothing is started. `--out <dir>` writes them under <dir>
 * instead (the drift test, test/contract/openapi-document.test.ts, compares those).
 */
async function main(): Promise<void> {
  const outIndex = process.argv.indexOf('--out');
  const target = outIndex >= 0 ? process.argv[outIndex + 1] : REPO_ROOT;
  const outputs = await generateApiDocuments(REPO_ROOT);
  for (const [file, text] of Object.entries(outputs)) {
    mkdirSync(dirname(join(target, file)), { recursive: true });
    writeFileSync(join(target, file), text);
    console.log(`[openapi] wrote ${join(target, file)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
