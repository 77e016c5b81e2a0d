import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiDocuments, REPO_ROOT } from './generate';

/**
 * `npm run openapi`: writes docs/openapi.json (the gateway), docs/openapi.webhooks.json
 * (billing's Stripe endpoints) and libs/api-client/src/paths.ts (the typed client's types).
 * Needs no database or broker: nothing is started. contract.test.ts fails when the committed
 * files differ from what this writes.
 */
async function main(): Promise<void> {
  const outputs = await generateApiDocuments(REPO_ROOT);
  for (const [file, text] of Object.entries(outputs)) {
    writeFileSync(join(REPO_ROOT, file), text);
    console.log(`[openapi] wrote ${file}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
