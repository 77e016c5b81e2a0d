import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The text of a PDF, read back with pdfjs-dist in a child node process (pdf-text.mjs). */
export async function pdfText(bytes: Buffer): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'fpms-pdf-'));
  try {
    const file = join(dir, 'document.pdf');
    writeFileSync(file, bytes);
    const { stdout } = await promisify(execFile)(process.execPath, [join(__dirname, 'pdf-text.mjs'), file], {
      maxBuffer: 16 * 1024 * 1024,
    });
    return (JSON.parse(stdout) as { pages: string[] }).pages.join('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
