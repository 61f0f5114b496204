import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import type { Formatter } from './labels.js';
import type { CheckGroupView, ExportDocument, ReportView } from './report-view.js';
import { changeText, summaryTable, valueVsThreshold, waiverText } from './tables.js';
import { yieldToLoop } from './yield.js';

type Doc = PDFKit.PDFDocument;

// Noto Sans SC (SIL OFL 1.1) as TrueType from an npm package, so Chinese renders on any machine; pdfkit embeds only
// the glyphs a document uses, so a report carries tens of kilobytes of font, not the 10 MB file.
const FONT_DIR = path.dirname(createRequire(import.meta.url).resolve('@expo-google-fonts/noto-sans-sc/package.json'));
let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts(): { regular: Buffer; bold: Buffer } {
  fonts ??= {
    regular: readFileSync(path.join(FONT_DIR, '400Regular', 'NotoSansSC_400Regular.ttf')),
    bold: readFileSync(path.join(FONT_DIR, '700Bold', 'NotoSansSC_700Bold.ttf')),
  };
  return fonts;
}

const MARGIN = { top: 54, bottom: 50, left: 40, right: 40 };
const PAD = 3;
const COLORS = { critical: '#c4162a', warning: '#b07d00', info: '#1f78c1', muted: '#6b7280', line: '#c9ccd1' };
/** A cell longer than this is cut, so no single row can be taller than a page. */
const MAX_CELL = 900;

interface Column {
  header: string;
  /** Share of the text width. */
  share: number;
  align?: 'left' | 'right';
  mono?: boolean;
}

class Layout {
  readonly width: number;
  constructor(
    readonly doc: Doc,
    readonly f: Formatter,
  ) {
    this.width = doc.page.width - MARGIN.left - MARGIN.right;
  }

  get bottom(): number {
    return this.doc.page.height - MARGIN.bottom;
  }

  /** Starts a new page unless `height` still fits on this one. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) this.doc.addPage();
  }

  heading(text: string, size: number): void {
    this.ensure(size * 3);
    this.doc.font('bold').fontSize(size).fillColor('#000').text(text, MARGIN.left, this.doc.y, { width: this.width });
    this.doc.moveDown(0.3);
  }

  paragraph(text: string, size = 9, color = '#000', font: 'regular' | 'bold' = 'regular'): void {
    this.doc.font(font).fontSize(size);
    this.ensure(Math.min(this.doc.heightOfString(text, { width: this.width }), 60));
    this.doc.fillColor(color).text(text, MARGIN.left, this.doc.y, { width: this.width });
    this.doc.fillColor('#000');
  }

  facts(rows: [string, string][]): void {
    const keyWidth = 130;
    for (const [k, v] of rows) {
      this.doc.font('regular').fontSize(9);
      const h = Math.max(this.doc.heightOfString(v, { width: this.width - keyWidth }), 12);
      this.ensure(h + 2);
      const y = this.doc.y;
      this.doc.fillColor(COLORS.muted).text(k, MARGIN.left, y, { width: keyWidth - 8 });
      this.doc.fillColor('#000').text(v, MARGIN.left + keyWidth, y, { width: this.width - keyWidth });
      this.doc.y = y + h + 2;
    }
    this.doc.moveDown(0.4);
  }

  /** A table whose rows never split across pages; the header row repeats on every page it spans. */
  table(columns: Column[], rows: string[][], size = 8): void {
    const doc = this.doc;
    const widths = columns.map((c) => c.share * this.width);
    const cellHeight = (text: string, w: number, font: 'regular' | 'bold') =>
      doc
        .font(font)
        .fontSize(size)
        .heightOfString(text || ' ', { width: w - 2 * PAD }) +
      2 * PAD;
    const header = columns.map((c) => c.header);
    const headerHeight = Math.max(...header.map((t, i) => cellHeight(t, widths[i]!, 'bold')));
    const drawRow = (cells: string[], height: number, isHeader: boolean) => {
      let x = MARGIN.left;
      const y = doc.y;
      if (isHeader) doc.rect(x, y, this.width, height).fill('#eef0f3');
      doc.lineWidth(0.5).strokeColor(COLORS.line);
      cells.forEach((text, i) => {
        const w = widths[i]!;
        doc.rect(x, y, w, height).stroke();
        doc
          .font(isHeader ? 'bold' : 'regular')
          .fontSize(size)
          .fillColor('#000')
          .text(text, x + PAD, y + PAD, { width: w - 2 * PAD, align: columns[i]?.align ?? 'left' });
        x += w;
      });
      doc.y = y + height;
    };
    this.ensure(headerHeight + 20);
    drawRow(header, headerHeight, true);
    for (const row of rows) {
      const cells = row.map((t) => (t.length > MAX_CELL ? `${t.slice(0, MAX_CELL)}…` : t));
      const height = Math.max(...cells.map((t, i) => cellHeight(t, widths[i]!, 'regular')));
      if (doc.y + height > this.bottom) {
        doc.addPage();
        drawRow(header, headerHeight, true);
      }
      drawRow(cells, height, false);
    }
    doc.x = MARGIN.left;
    doc.moveDown(0.6);
  }
}

function coverPage(lay: Layout, doc: ExportDocument): void {
  const { f } = lay;
  const i = doc.inspection!;
  const h = f.l.field;
  lay.heading(`${f.l.product} · ${f.l.inspectionTitle}`, 20);
  lay.facts([
    [h.inspectionId, i.id],
    [
      h.triggeredBy,
      i.trigger.kind === 'schedule' ? `${h.schedule} ${i.trigger.scheduleName}` : `${h.manual} ${i.trigger.actor}`,
    ],
    [h.tier, f.l.tier[i.tier]],
    [h.window, f.window(i.window)],
    [h.state, f.l.inspectionState[i.state] ?? i.state],
    [h.createdAt, f.dateTime(i.createdAt)],
    ...(i.startedAt ? [[h.startedAt, f.dateTime(i.startedAt)] as [string, string]] : []),
    ...(i.finishedAt ? [[h.finishedAt, f.dateTime(i.finishedAt)] as [string, string]] : []),
    [h.timeZone, f.timeZone],
  ]);
  lay.heading(f.l.heading.summary, 14);
  const t = summaryTable(doc, f);
  const shares = [0.12, 0.11, 0.17, 0.12, 0.06, 0.06, 0.06, 0.06, 0.06, 0.06, 0.06, 0.06];
  const numeric = (i: number) => i >= 4 && i !== 10;
  lay.table(
    t.headers.slice(0, 12).map((header, i) => ({ header, share: shares[i]!, align: numeric(i) ? 'right' : 'left' })),
    t.rows.map((r) => r.slice(0, 12).map((c) => (typeof c === 'number' ? f.num(c) : c))),
    7.5,
  );
}

function checkGroup(lay: Layout, g: CheckGroupView): void {
  const { f, doc } = lay;
  const h = f.l.field;
  const title = `${g.catalogRef}  ${g.title[f.lang]}  ·  ${f.l.severity[g.severity]}  ·  ${f.l.objects(g.findings.length, f.num)}`;
  const remediation = `${h.remediation}: ${g.remediation[f.lang]}`;
  doc.font('regular').fontSize(8.5);
  // Keep the title, the remediation and the first rows together.
  lay.ensure(Math.min(doc.heightOfString(remediation, { width: lay.width }) + 70, 220));
  doc.font('bold').fontSize(10.5).fillColor(COLORS[g.severity]).text(title, MARGIN.left, doc.y, { width: lay.width });
  doc.fillColor('#000').moveDown(0.15);
  lay.paragraph(remediation, 8.5, '#333');
  doc.moveDown(0.2);
  lay.table(
    [
      { header: h.severity, share: 0.09 },
      { header: h.object, share: 0.25 },
      { header: h.message, share: 0.36 },
      { header: h.valueVsThreshold, share: 0.12, align: 'right' },
      { header: h.status, share: 0.18 },
    ],
    g.findings.map((x) => [
      f.l.severity[x.severity],
      x.database ? `${x.object}\n${h.database}: ${x.database}` : x.object,
      x.message[f.lang],
      valueVsThreshold(x, f),
      x.waived ? `${f.l.findingState.waived}: ${waiverText(x, f)}` : changeText(x, f),
    ]),
  );
}

function instanceSection(lay: Layout, r: ReportView): void {
  const { f, doc } = lay;
  const h = f.l.field;
  const place = [r.business, r.host, r.instance.name].filter((x): x is string => x !== undefined).join(' / ');
  lay.heading(place, 16);
  const y = doc.y;
  const score = f.num(r.score);
  doc
    .font('bold')
    .fontSize(20)
    .fillColor(r.score >= 90 ? '#37872d' : r.score >= 70 ? COLORS.warning : COLORS.critical)
    .text(score, MARGIN.left, y, { lineBreak: false });
  const scoreWidth = doc.widthOfString(score);
  doc
    .font('regular')
    .fontSize(10)
    .fillColor(COLORS.muted)
    .text(` / 100   ${h.score}`, MARGIN.left + scoreWidth, y + 10, { lineBreak: false });
  doc.fillColor('#000');
  doc.y = y + 30;
  lay.paragraph(f.l.summaryLine(r.counts, f.num), 9.5);
  doc.moveDown(0.3);
  lay.facts([
    ...(r.id ? [[h.reportId, r.id] as [string, string]] : []),
    [h.engine, r.instance.engine],
    [
      h.server,
      r.server ? `${r.server.flavor} ${r.server.version}${r.server.role ? `, ${r.server.role}` : ''}` : f.l.unreachable,
    ],
    [h.tier, f.l.tier[r.tier]],
    [h.window, f.window(r.window)],
    [h.startedAt, f.dateTime(r.startedAt)],
    [h.duration, f.seconds(r.durationMs)],
    ...(r.diff
      ? [[`${h.newSinceLast} / ${h.resolved}`, `${f.num(r.diff.new)} / ${f.num(r.diff.resolved)}`] as [string, string]]
      : []),
    [h.contentHash, r.contentHash],
    [h.catalogVersion, r.catalogVersion],
  ]);
  lay.heading(f.l.heading.findings, 13);
  if (r.groups.length === 0) lay.paragraph(f.l.heading.noFindings);
  for (const g of r.groups) checkGroup(lay, g);
  if (r.notRun.length) {
    lay.heading(f.l.heading.notInspected, 13);
    lay.table(
      [
        { header: h.check, share: 0.1 },
        { header: h.title, share: 0.3 },
        { header: h.status, share: 0.1 },
        { header: h.reason, share: 0.5 },
      ],
      r.notRun.map((c) => [c.catalogRef, c.title[f.lang], f.l.status[c.status], c.reason[f.lang]]),
    );
  }
}

/** Header (product, title, id) and footer (page n of N) on every page, written once all pages exist. */
function stampPages(doc: Doc, f: Formatter, headerText: string): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    // Writing into the margins would make pdfkit start a new page; lift the bottom margin while stamping.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('regular')
      .fontSize(7.5)
      .fillColor(COLORS.muted)
      .text(headerText, MARGIN.left, 24, { width, lineBreak: false, ellipsis: true });
    doc
      .moveTo(MARGIN.left, 38)
      .lineTo(MARGIN.left + width, 38)
      .lineWidth(0.5)
      .strokeColor(COLORS.line)
      .stroke();
    doc.text(f.l.pageOf(i - range.start + 1, range.count), MARGIN.left, doc.page.height - 32, {
      width,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}

/** The PDF: A4, the CJK font embedded as a subset, page numbers and the report or inspection id on every page. */
export async function renderPdf(doc: ExportDocument, f: Formatter): Promise<Buffer> {
  const { regular, bold } = loadFonts();
  const first = doc.reports[0];
  const title = doc.kind === 'inspection' ? f.l.inspectionTitle : `${f.l.reportTitle}: ${first?.instance.name ?? ''}`;
  const pdf = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    bufferPages: true,
    info: {
      Title: title,
      Author: f.l.product,
      Subject: doc.reports.map((r) => `${r.instance.name} ${r.contentHash}`).join('; '),
      Keywords: `contentHash ${doc.reports.map((r) => r.contentHash).join(' ')} catalogVersion ${first?.catalogVersion ?? ''}`,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (c: Buffer) => chunks.push(c));
  const finished = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });
  pdf.registerFont('regular', regular);
  pdf.registerFont('bold', bold);
  pdf.font('regular');
  const lay = new Layout(pdf, f);
  if (doc.kind === 'inspection') {
    coverPage(lay, doc);
  }
  for (const [i, r] of doc.reports.entries()) {
    if (doc.kind === 'inspection' || i > 0) pdf.addPage();
    instanceSection(lay, r);
    await yieldToLoop();
  }
  const id = doc.kind === 'inspection' ? `${f.l.field.inspectionId} ${doc.id}` : `${f.l.field.reportId} ${doc.id}`;
  stampPages(pdf, f, `${f.l.product} · ${title} · ${id}`);
  pdf.end();
  await finished;
  return Buffer.concat(chunks);
}
