/**
 * The visit summary as a PDF (pdfkit, chosen in the README's "Visit summary"): A4, DejaVu Sans
 * embedded (subset), tagged (a structure tree of headings, paragraphs, tables with header cells
 * and figures with alternative text; document title shown, language set), PDF/A-2b as pdfkit
 * writes it (XMP identification, sRGB output intent). Every page repeats the patient banner at
 * the top and says "Page n of m", when it was generated and by which station at the bottom, as
 * artifacts (a screen reader reads the banner once, from the first page's content).
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import { dateTimeFormats } from '../../shared/display-format';
import { summaryLines, type SummaryLines, type SummaryTable } from './summary-lines';
import { chartDescription, drawTrendChart } from './trend-chart';
import type { VisitSummary } from './visit-summary';

const require = createRequire(import.meta.url);
/**
 * Fonts are named by their file, not registered under a name: pdfkit's table restores a cell's
 * font by its source, and a registered name would make it miss its font cache and parse the TTF
 * again for every cell (3 s for a 30-minute visit instead of a tenth of that).
 */
const REGULAR = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

const MARGIN = { top: 78, bottom: 56, left: 48, right: 48 };
const INK = '#111111';
const MUTED = '#555555';
const RULE = '#1f4e79';
const CHART = { width: 240, height: 90, gap: 18 };
const THUMBNAIL = { width: 150, height: 112, gap: 12 };

export interface SummaryPdfOptions {
  /** The station's `display.locale` setting; undefined for the runtime's. */
  locale?: string;
  /** Draw the trend charts (the benchmark's baseline leaves them out). */
  charts?: boolean;
}

type Doc = PDFKit.PDFDocument;
type Struct = PDFKit.PDFStructureElement;

/** Room for a heading and the first lines under it: a heading never ends a page alone. */
const KEEP_WITH_NEXT = 70;

function heading(doc: Doc, section: Struct, text: string, keepWithNext = KEEP_WITH_NEXT): void {
  if (doc.y + keepWithNext > doc.page.height - MARGIN.bottom) doc.addPage();
  section.add(
    doc.struct('H2', {}, () => {
      doc.font(BOLD).fontSize(11.5).fillColor(RULE).text(text, MARGIN.left, doc.y + 8);
    }),
  );
  doc.moveDown(0.3);
}

const CELL_PADDING = 4;

/**
 * Each column as wide as its widest cell, the last taking what is left. When they do not fit, the
 * narrow columns (a time, a name) keep their width and the wide ones share the rest in proportion
 * (a long alarm condition then wraps within its cell, a time never does).
 */
function columnWidths(doc: Doc, data: SummaryTable): number[] {
  const available = doc.page.width - MARGIN.left - MARGIN.right;
  const natural = data.columns.map((column, index) => {
    const body = Math.max(0, ...data.rows.map((row) => doc.font(REGULAR).fontSize(8.5).widthOfString(row[index] ?? '')));
    return Math.max(body, doc.font(BOLD).fontSize(8.5).widthOfString(column)) + 2 * CELL_PADDING + 6;
  });
  const sum = (widths: readonly number[]) => widths.reduce((total, width) => total + width, 0);
  const total = sum(natural);
  if (total <= available) return natural.map((width, index) => (index === natural.length - 1 ? width + available - total : width));
  // Some column is always wider than its share of the room, or everything would have fit.
  let wide = natural.map((_, index) => index);
  for (;;) {
    const room = available - sum(natural.filter((_, index) => !wide.includes(index)));
    const wider = wide.filter((index) => natural[index]! > room / wide.length);
    if (wider.length === wide.length) {
      const wideTotal = sum(wide.map((index) => natural[index]!));
      return natural.map((width, index) => (wide.includes(index) ? (width * room) / wideTotal : width));
    }
    wide = wider;
  }
}

function table(doc: Doc, section: Struct, data: SummaryTable): void {
  heading(doc, section, data.heading);
  if (data.rows.length === 0) {
    section.add(doc.struct('P', {}, () => doc.font(REGULAR).fontSize(9).fillColor(MUTED).text(data.empty, MARGIN.left)));
    return;
  }
  doc.font(REGULAR).fontSize(8.5).fillColor(INK);
  // pdfkit's typings lack structParent, with which a table becomes a tagged Table of TR, TH and TD.
  doc.table({
    structParent: section,
    position: { x: MARGIN.left, y: doc.y },
    columnStyles: columnWidths(doc, data),
    // Fonts go by row (pdfkit reads a cell's font from its column, row or itself, not from defaultStyle).
    rowStyles: (row: number) => (row === 0 ? { font: { src: BOLD, size: 8.5 }, backgroundColor: '#e8eef5' } : { font: { src: REGULAR, size: 8.5 } }),
    defaultStyle: { border: { top: 0, bottom: 0.4, left: 0, right: 0 }, borderColor: '#bbbbbb', padding: [2, CELL_PADDING] },
    data: [data.columns.map((column) => ({ text: column, type: 'TH' as const, scope: 'Column' })), ...data.rows],
  } as PDFKit.Mixins.TableOptionsWithData);
}

function charts(doc: Doc, section: Struct, summary: VisitSummary, formats: ReturnType<typeof dateTimeFormats>): void {
  const drawable = summary.series.filter((series) => series.readings.length >= 2);
  if (drawable.length === 0) return;
  heading(doc, section, 'Trends during the visit', CHART.height + 40);
  drawable.forEach((series, index) => {
    const column = index % 2;
    if (column === 0 && doc.y + CHART.height > doc.page.height - MARGIN.bottom) doc.addPage();
    const top = column === 0 ? doc.y : doc.y - CHART.height - CHART.gap;
    const box = { x: MARGIN.left + column * (CHART.width + CHART.gap), y: top, width: CHART.width, height: CHART.height };
    section.add(doc.struct('Figure', { alt: chartDescription(series, formats) }, () => drawTrendChart(doc, series, box, formats, REGULAR)));
    doc.y = top + CHART.height + CHART.gap;
  });
}

function snapshots(doc: Doc, section: Struct, summary: VisitSummary, formats: ReturnType<typeof dateTimeFormats>, nameOf: (id: string) => string): void {
  if (summary.snapshots.length === 0) return;
  heading(doc, section, 'Snapshots taken during the visit', THUMBNAIL.height + 50);
  const perRow = Math.floor((doc.page.width - MARGIN.left - MARGIN.right + THUMBNAIL.gap) / (THUMBNAIL.width + THUMBNAIL.gap));
  summary.snapshots.forEach((snapshot, index) => {
    const column = index % perRow;
    if (column === 0 && index > 0) doc.y += THUMBNAIL.height + 22;
    if (column === 0 && doc.y + THUMBNAIL.height + 20 > doc.page.height - MARGIN.bottom) doc.addPage();
    const x = MARGIN.left + column * (THUMBNAIL.width + THUMBNAIL.gap);
    const y = doc.y;
    const caption = `${formats.clock(snapshot.capturedAt)}, kept by ${nameOf(snapshot.capturedBy)}`;
    section.add(
      doc.struct('Figure', { alt: `Snapshot of the patient video at ${caption}` }, () => {
        doc.image(snapshot.content, x, y, { fit: [THUMBNAIL.width, THUMBNAIL.height], align: 'center', valign: 'center' });
      }),
    );
    section.add(doc.struct('P', {}, () => doc.font(REGULAR).fontSize(7.5).fillColor(MUTED).text(caption, x, y + THUMBNAIL.height + 3, { width: THUMBNAIL.width })));
    doc.y = y;
  });
  doc.y += THUMBNAIL.height + 22;
}

function notes(doc: Doc, section: Struct, lines: SummaryLines): void {
  heading(doc, section, lines.notesHeading);
  if (lines.notes.length === 0) {
    section.add(doc.struct('P', {}, () => doc.font(REGULAR).fontSize(9).fillColor(MUTED).text(lines.noNotes, MARGIN.left)));
    return;
  }
  for (const note of lines.notes) {
    if (doc.y + 40 > doc.page.height - MARGIN.bottom) doc.addPage();
    section.add(doc.struct('H3', {}, () => doc.font(BOLD).fontSize(9.5).fillColor(INK).text(note.heading, MARGIN.left, doc.y + 4)));
    for (const part of note.parts) {
      section.add(
        doc.struct('P', {}, () => {
          if (part.label !== null) doc.font(BOLD).fontSize(9).fillColor(INK).text(`${part.label}: `, MARGIN.left, doc.y + 2, { continued: true });
          doc.font(REGULAR).fontSize(9).fillColor(INK).text(part.text, part.label === null ? MARGIN.left : undefined, part.label === null ? doc.y + 2 : undefined);
        }),
      );
    }
  }
  doc.moveDown(0.3);
}

/** The running header and footer of every page, drawn once all pages exist (their count is in the footer). */
function pageFurniture(doc: Doc, banner: string, footer: string): void {
  const { start, count } = doc.bufferedPageRange();
  for (let index = start; index < start + count; index++) {
    doc.switchToPage(index);
    const width = doc.page.width - MARGIN.left - MARGIN.right;
    // Text outside the margins would start a new page; the furniture lies in them by design.
    const { top, bottom } = doc.page.margins;
    doc.page.margins.top = 0;
    doc.page.margins.bottom = 0;
    doc.markContent('Artifact', { type: 'Pagination' });
    doc.font(BOLD).fontSize(9.5).fillColor(INK).text(banner, MARGIN.left, 30, { width, lineBreak: false, ellipsis: true });
    doc.font(REGULAR).fontSize(8).fillColor(MUTED).text('VitalBridge visit summary', MARGIN.left, 46, { width, lineBreak: false });
    doc.lineWidth(1).strokeColor(RULE).moveTo(MARGIN.left, 60).lineTo(MARGIN.left + width, 60).stroke();
    const footerY = doc.page.height - 38;
    doc.lineWidth(0.5).strokeColor('#bbbbbb').moveTo(MARGIN.left, footerY - 6).lineTo(MARGIN.left + width, footerY - 6).stroke();
    doc.font(REGULAR).fontSize(7.5).fillColor(MUTED).text(footer, MARGIN.left, footerY, { width: width - 80, lineBreak: false });
    doc.text(`Page ${index - start + 1} of ${count}`, MARGIN.left, footerY, { width, align: 'right', lineBreak: false });
    doc.endMarkedContent();
    doc.page.margins.top = top;
    doc.page.margins.bottom = bottom;
  }
}

export function renderSummaryPdf(summary: VisitSummary, options: SummaryPdfOptions = {}): Promise<Buffer> {
  const lines = summaryLines(summary, options.locale);
  const formats = dateTimeFormats(options.locale);
  const nameOf = (id: string) => summary.participants.find((person) => person.id === id)?.name ?? id;
  const doc = new PDFDocument({
    size: 'A4',
    margins: MARGIN,
    tagged: true,
    subset: 'PDF/A-2b',
    pdfVersion: '1.7',
    lang: 'en',
    displayTitle: true,
    bufferPages: true,
    font: REGULAR,
    info: { Title: `${lines.title}: ${lines.banner}`, Subject: lines.encounter.map(([label, value]) => `${label}: ${value}`).join('; '), Author: `VitalBridge station ${summary.stationId}`, Creator: 'VitalBridge', CreationDate: new Date(summary.generatedAt) },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const root = doc.struct('Document');
  doc.addStructure(root);
  const intro = doc.struct('Sect');
  root.add(intro);
  intro.add(doc.struct('H1', {}, () => doc.font(BOLD).fontSize(17).fillColor(INK).text(lines.title, MARGIN.left, MARGIN.top)));
  intro.add(doc.struct('P', {}, () => doc.font(BOLD).fontSize(10.5).fillColor(INK).text(lines.banner, MARGIN.left, doc.y + 4)));
  for (const [label, value] of lines.encounter) {
    intro.add(doc.struct('P', {}, () => doc.font(REGULAR).fontSize(9.5).fillColor(INK).text(`${label}: ${value}`, MARGIN.left, doc.y + 2)));
  }
  intro.end();

  // Who took part, the signed notes, the trends, then the vitals table and the other tables, and the snapshots last.
  const [people, ...tables] = lines.tables.map((data) => (section: Struct) => table(doc, section, data));
  const sections = [people!, (section: Struct) => notes(doc, section, lines), ...(options.charts === false ? [] : [(section: Struct) => charts(doc, section, summary, formats)]), ...tables, (section: Struct) => snapshots(doc, section, summary, formats, nameOf)];
  for (const write of sections) {
    const section = doc.struct('Sect');
    root.add(section);
    write(section);
    section.end();
  }
  root.end();
  pageFurniture(doc, lines.banner, lines.footer);
  doc.end();
  return done;
}
