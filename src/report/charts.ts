/**
 * Small hand-written SVG charts for reports (no dependencies): histograms, one or several panels in a grid,
 * with vertical marker lines (a zone's shelter time), and horizontal bar charts. Output is a standalone SVG
 * document, deterministic (numbers printed to fixed decimals), readable in any browser or Markdown viewer.
 */

export interface Bin {
  lo: number;
  hi: number;
  count: number;
}

/**
 * Counts of the values in bins of `width` from `lo` up to the first edge ≥ `hi` (values beyond the last bin
 * go into it; below `lo` into the first).
 */
export function histogram(values: readonly number[], width: number, lo: number, hi: number): Bin[] {
  if (!(width > 0)) throw new RangeError(`bin width must be > 0, got ${width}`);
  const n = Math.max(1, Math.ceil((hi - lo) / width - 1e-9));
  const bins: Bin[] = [];
  for (let i = 0; i < n; i++) bins.push({ lo: lo + i * width, hi: lo + (i + 1) * width, count: 0 });
  for (const v of values) {
    const i = Math.min(n - 1, Math.max(0, Math.floor((v - lo) / width)));
    bins[i]!.count++;
  }
  return bins;
}

/** A "nice" step (1, 2 or 5 × 10ᵏ) giving about `target` intervals over span. */
export function niceStep(span: number, target = 5): number {
  if (!(span > 0)) return 1;
  const raw = span / target;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const f = (v: number): string => (Math.round(v * 10) / 10).toFixed(1);
/** Tick label: no trailing zeros. */
const label = (v: number): string => String(Number(v.toFixed(6)));

export interface Marker {
  x: number;
  label: string;
}

export interface HistogramPanel {
  title: string;
  bins: Bin[];
  markers?: Marker[];
  /** a line of text under the title (counts left out of the bins, for instance) */
  note?: string;
}

export interface HistogramOptions {
  title: string;
  xLabel: string;
  yLabel?: string;
  columns?: number;
  panelWidth?: number;
  panelHeight?: number;
}

const FONT = 'font-family="sans-serif"';

/** One or more histogram panels in a grid, each with its own y scale, all in one SVG document. */
export function histogramSvg(panels: readonly HistogramPanel[], opts: HistogramOptions): string {
  const cols = Math.max(1, Math.min(opts.columns ?? 1, panels.length || 1));
  const rows = Math.max(1, Math.ceil(panels.length / cols));
  const pw = opts.panelWidth ?? 420;
  const ph = opts.panelHeight ?? 220;
  const top = 36;
  const W = cols * pw;
  const H = top + rows * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`,
    `<text x="${f(W / 2)}" y="22" text-anchor="middle" ${FONT} font-size="16" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  panels.forEach((p, i) => {
    const ox = (i % cols) * pw;
    const oy = top + Math.floor(i / cols) * ph;
    out.push(panelSvg(p, ox, oy, pw, ph, opts));
  });
  if (panels.length === 0) out.push(`<text x="${f(W / 2)}" y="${f(top + ph / 2)}" text-anchor="middle" ${FONT} font-size="13">no data</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function panelSvg(p: HistogramPanel, ox: number, oy: number, pw: number, ph: number, opts: HistogramOptions): string {
  const ml = 48, mr = 14, mt = p.note ? 40 : 26, mb = 40;
  const x0 = ox + ml, x1 = ox + pw - mr, y0 = oy + ph - mb, y1 = oy + mt;
  const bins = p.bins;
  const lo = bins[0]?.lo ?? 0;
  const hi = bins[bins.length - 1]?.hi ?? 1;
  const maxCount = Math.max(1, ...bins.map((b) => b.count));
  const yStep = Math.max(1, Math.ceil(niceStep(maxCount, 4)));
  const yTop = Math.ceil(maxCount / yStep) * yStep;
  const X = (v: number): number => x0 + ((v - lo) / (hi - lo || 1)) * (x1 - x0);
  const Y = (c: number): number => y0 - (c / yTop) * (y0 - y1);
  const s: string[] = [`<g>`];
  s.push(`<text x="${f(ox + pw / 2)}" y="${f(oy + 16)}" text-anchor="middle" ${FONT} font-size="13">${escapeXml(p.title)}</text>`);
  if (p.note) s.push(`<text x="${f(ox + pw / 2)}" y="${f(oy + 31)}" text-anchor="middle" ${FONT} font-size="11" fill="#555">${escapeXml(p.note)}</text>`);
  // grid and y ticks
  for (let c = 0; c <= yTop; c += yStep) {
    s.push(`<line x1="${f(x0)}" y1="${f(Y(c))}" x2="${f(x1)}" y2="${f(Y(c))}" stroke="#e4e4e4"/>`);
    s.push(`<text x="${f(x0 - 5)}" y="${f(Y(c) + 4)}" text-anchor="end" ${FONT} font-size="10">${c}</text>`);
  }
  // bars
  for (const b of bins) {
    if (b.count === 0) continue;
    const xa = X(b.lo) + 0.5, xb = X(b.hi) - 0.5;
    s.push(`<rect x="${f(xa)}" y="${f(Y(b.count))}" width="${f(Math.max(0.5, xb - xa))}" height="${f(y0 - Y(b.count))}" fill="#4878a8"><title>${label(b.lo)}–${label(b.hi)}: ${b.count}</title></rect>`);
  }
  // axes and x ticks
  s.push(`<line x1="${f(x0)}" y1="${f(y0)}" x2="${f(x1)}" y2="${f(y0)}" stroke="black"/>`);
  s.push(`<line x1="${f(x0)}" y1="${f(y0)}" x2="${f(x0)}" y2="${f(y1)}" stroke="black"/>`);
  const xStep = niceStep(hi - lo, 6);
  for (let v = Math.ceil(lo / xStep) * xStep; v <= hi + 1e-9; v += xStep) {
    s.push(`<line x1="${f(X(v))}" y1="${f(y0)}" x2="${f(X(v))}" y2="${f(y0 + 4)}" stroke="black"/>`);
    s.push(`<text x="${f(X(v))}" y="${f(y0 + 15)}" text-anchor="middle" ${FONT} font-size="10">${label(v)}</text>`);
  }
  s.push(`<text x="${f((x0 + x1) / 2)}" y="${f(y0 + 32)}" text-anchor="middle" ${FONT} font-size="11">${escapeXml(opts.xLabel)}</text>`);
  if (opts.yLabel) {
    const cy = (y0 + y1) / 2;
    s.push(`<text x="${f(ox + 12)}" y="${f(cy)}" transform="rotate(-90 ${f(ox + 12)} ${f(cy)})" text-anchor="middle" ${FONT} font-size="11">${escapeXml(opts.yLabel)}</text>`);
  }
  // markers
  for (const m of p.markers ?? []) {
    if (m.x < lo || m.x > hi) continue;
    s.push(`<line x1="${f(X(m.x))}" y1="${f(y0)}" x2="${f(X(m.x))}" y2="${f(y1)}" stroke="#c0392b" stroke-width="2" stroke-dasharray="5,3"/>`);
    // the label on the line's right, or on its left when it would run off the panel
    const left = X(m.x) + 4 + 5.5 * m.label.length > x1;
    s.push(
      `<text x="${f(X(m.x) + (left ? -4 : 4))}" y="${f(y1 + 10)}"${left ? ' text-anchor="end"' : ''} ${FONT} font-size="10" fill="#c0392b" stroke="white" stroke-width="3" paint-order="stroke">${escapeXml(m.label)}</text>`,
    );
  }
  s.push('</g>');
  return s.join('\n');
}

export interface Bar {
  label: string;
  value: number;
}

/** Horizontal bars, one per label, with the value printed at the end of each. */
export function barChartSvg(bars: readonly Bar[], opts: { title: string; xLabel: string; width?: number }): string {
  const rowH = 22;
  // room for the longest label (≈6 px a character at 11 px)
  const ml = Math.max(60, 12 + Math.ceil(6 * Math.max(0, ...bars.map((b) => b.label.length))));
  const W = opts.width ?? ml + 380;
  const top = 40, mr = 50, mb = 36;
  const H = top + Math.max(1, bars.length) * rowH + mb;
  const max = Math.max(1e-12, ...bars.map((b) => b.value));
  const x0 = ml, x1 = W - mr;
  const s: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`,
    `<rect x="0" y="0" width="${W}" height="${H}" fill="white"/>`,
    `<text x="${f(W / 2)}" y="22" text-anchor="middle" ${FONT} font-size="16" font-weight="bold">${escapeXml(opts.title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const y = top + i * rowH;
    const w = (Math.max(0, b.value) / max) * (x1 - x0);
    s.push(`<text x="${f(x0 - 6)}" y="${f(y + 15)}" text-anchor="end" ${FONT} font-size="11">${escapeXml(b.label)}</text>`);
    s.push(`<rect x="${f(x0)}" y="${f(y + 3)}" width="${f(w)}" height="${rowH - 6}" fill="#4878a8"/>`);
    s.push(`<text x="${f(x0 + w + 4)}" y="${f(y + 15)}" ${FONT} font-size="11">${label(Math.round(b.value * 1000) / 1000)}</text>`);
  });
  const yb = top + Math.max(1, bars.length) * rowH;
  s.push(`<line x1="${f(x0)}" y1="${f(yb)}" x2="${f(x1)}" y2="${f(yb)}" stroke="black"/>`);
  s.push(`<text x="${f((x0 + x1) / 2)}" y="${f(yb + 24)}" text-anchor="middle" ${FONT} font-size="11">${escapeXml(opts.xLabel)}</text>`);
  s.push('</svg>');
  return s.join('\n') + '\n';
}
