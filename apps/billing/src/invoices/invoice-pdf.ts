import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';
import type { InvoiceParty } from '@fpms/contracts';
import type { InvoiceRecord } from './invoice';
import { formatMoney, formatRate } from './money-format';

const FONT_DIR = ['apps', 'billing', 'assets', 'fonts'];

/** The repository's font folder, from the source tree (tests) or beside dist/ (the image copies it). */
function fontDir(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const candidate = join(dir, ...FONT_DIR);
    if (existsSync(join(candidate, 'DejaVuSans.ttf'))) return candidate;
    if (dirname(dir) === dir) throw new Error('invoice fonts not found (apps/billing/assets/fonts)');
  }
}

const dateOf = (d: Date, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: 'UTC' }).format(d);

/**
 * An invoice or credit note as a PDF (A4, DejaVu Sans embedded, so any name prints). Amounts
 * are formatted per currency (Intl.NumberFormat; zero-decimal currencies as whole units). The
 * platform fee is the freelancer's business, not the client's: it is not printed.
 */
export function renderInvoicePdf(doc: InvoiceRecord, locale = 'en-GB'): Promise<Buffer> {
  const fonts = fontDir();
  const title = doc.kind === 'invoice' ? 'Invoice' : 'Credit note';
  const pdf = new PDFDocument({
    size: 'A4',
    margin: 50,
    info: { Title: `${title} ${doc.number}`, Author: doc.seller.name, CreationDate: doc.issuedAt },
  });
  pdf.registerFont('Sans', join(fonts, 'DejaVuSans.ttf'));
  pdf.registerFont('Sans-Bold', join(fonts, 'DejaVuSans-Bold.ttf'));
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const money = (amount: number) => formatMoney(amount, doc.currency, locale);
  const left = 50;
  const width = pdf.page.width - 100;

  pdf.font('Sans-Bold').fontSize(20).text(`${title} ${doc.number}`, left, 50);
  pdf.font('Sans').fontSize(10).moveDown(0.5);
  pdf.text(`Issued: ${dateOf(doc.issuedAt, locale)}`);
  if (doc.paidAt) pdf.text(`Paid: ${dateOf(doc.paidAt, locale)}`);
  if (doc.creditForNumber) pdf.text(`Credit for invoice ${doc.creditForNumber}`);
  pdf.text(`Currency: ${doc.currency}`);

  const partiesTop = pdf.y + 20;
  party(pdf, 'From', doc.seller, left, partiesTop, width / 2 - 10);
  const afterSeller = pdf.y;
  party(pdf, 'Bill to', doc.buyer, left + width / 2 + 10, partiesTop, width / 2 - 10);
  pdf.y = Math.max(afterSeller, pdf.y) + 25;

  // Lines: description, quantity, unit price, amount.
  const cols = { description: left, quantity: left + width * 0.55, unit: left + width * 0.65, amount: left + width * 0.82 };
  const header = pdf.y;
  pdf.font('Sans-Bold');
  pdf.text('Description', cols.description, header, { width: width * 0.5 });
  pdf.text('Qty', cols.quantity, header, { width: width * 0.08, align: 'right' });
  pdf.text('Unit price', cols.unit, header, { width: width * 0.16, align: 'right' });
  pdf.text('Amount', cols.amount, header, { width: width * 0.18, align: 'right' });
  pdf.font('Sans');
  let y = header + 18;
  for (const line of doc.lines) {
    pdf.text(line.description, cols.description, y, { width: width * 0.5 });
    const next = pdf.y;
    pdf.text(String(line.quantity), cols.quantity, y, { width: width * 0.08, align: 'right' });
    pdf.text(money(line.unitAmount), cols.unit, y, { width: width * 0.16, align: 'right' });
    pdf.text(money(line.amount), cols.amount, y, { width: width * 0.18, align: 'right' });
    y = Math.max(next, pdf.y) + 6;
  }

  const totals: Array<[string, string, boolean]> = [
    ['Subtotal', money(doc.subtotal), false],
    [`Tax (${formatRate(doc.taxRateBasisPoints, locale)})`, money(doc.taxAmount), false],
    [doc.kind === 'invoice' ? 'Total' : 'Total credited', money(doc.total), true],
  ];
  y += 12;
  for (const [label, value, bold] of totals) {
    pdf.font(bold ? 'Sans-Bold' : 'Sans');
    pdf.text(label, cols.unit - width * 0.15, y, { width: width * 0.31, align: 'right' });
    pdf.text(value, cols.amount, y, { width: width * 0.18, align: 'right' });
    y = pdf.y + 4;
  }
  pdf.font('Sans');
  if (doc.taxNote) pdf.text(doc.taxNote, left, y + 20, { width });
  pdf.end();
  return done;
}

function party(pdf: PDFKit.PDFDocument, label: string, p: InvoiceParty, x: number, y: number, width: number): void {
  pdf.font('Sans-Bold').fontSize(10).text(label, x, y, { width });
  pdf.font('Sans').text(p.name, { width });
  if (p.address) pdf.text(p.address, { width });
  if (p.taxId) pdf.text(`Tax ID: ${p.taxId}`, { width });
}
