// Prints the text of a PDF (path in argv[2]) as JSON: { pages: [string, ...] }. pdfjs-dist is
// ESM-only, and Jest runs CommonJS, so tests call this in a child `node` process
// (test/billing/pdf-text.ts). The legacy build runs on Node without browser globals.
import { readFile } from 'node:fs/promises';
import process from 'node:process';

// Node 20 has no Promise.withResolvers (Node 22 does), which pdfjs 6 uses even in its legacy build.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');

const data = new Uint8Array(await readFile(process.argv[2]));
const loading = getDocument({ data, useSystemFonts: false, isEvalSupported: false });
const pdf = await loading.promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n++) {
  const page = await pdf.getPage(n);
  const content = await page.getTextContent();
  // One line per text run: pdfkit writes each text() call as its own run.
  pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
}
await loading.destroy();
process.stdout.write(JSON.stringify({ pages }));
