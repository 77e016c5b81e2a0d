import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

/**
 * A ZIP written entry by entry with fflate's streaming encoder: JSON documents deflated,
 * uploaded files stored as they are (already compressed, mostly) and streamed in, so no
 * file is held whole beside the archive. The archive itself is collected in memory, the
 * one buffer `finish()` hands back.
 */
export class ZipArchive {
  private readonly chunks: Uint8Array[] = [];
  private readonly done: Promise<void>;
  private readonly zip: Zip;

  constructor() {
    let resolve!: () => void;
    let reject!: (e: Error) => void;
    this.done = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    this.zip = new Zip((error, chunk, final) => {
      if (error) return reject(error);
      this.chunks.push(chunk);
      if (final) resolve();
    });
  }

  addJson(name: string, value: unknown): void {
    const entry = new ZipDeflate(name, { level: 6 });
    this.zip.add(entry);
    entry.push(Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8'), true);
  }

  addText(name: string, text: string): void {
    const entry = new ZipDeflate(name, { level: 6 });
    this.zip.add(entry);
    entry.push(Buffer.from(text, 'utf8'), true);
  }

  async addStream(name: string, body: AsyncIterable<Uint8Array>): Promise<void> {
    const entry = new ZipPassThrough(name);
    this.zip.add(entry);
    for await (const chunk of body) entry.push(chunk);
    entry.push(new Uint8Array(0), true);
  }

  async finish(): Promise<Buffer> {
    this.zip.end();
    await this.done;
    return Buffer.concat(this.chunks);
  }
}
