#!/usr/bin/env node
// Files the compiled services read at run time that tsc does not emit: copied beside the
// compiled code, so dist/ (all the Docker image ships) is complete: the fonts billing embeds
// in invoice PDFs, and the OpenAPI document the gateway serves (docs/openapi.json).
const { cpSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
for (const dir of ['apps/billing/assets', 'docs/openapi.json']) {
  cpSync(join(root, dir), join(root, 'dist', dir), { recursive: true });
}
