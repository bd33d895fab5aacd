/**
 * Map images, drawn locally on demand (MapLibre's missing-image resolver asks for them by id):
 *   sym:<SIDC>          a MIL-STD-2525 symbol drawn by milsymbol
 *   txt:<style>:<text>  a text label drawn on a canvas with the system's sans-serif font
 *   burst               the intercept marker
 * The map has no glyphs (they would be a remote request, or font files to ship): every word on the map is an
 * image made here.
 */
import ms from 'milsymbol';
import type { TrackEvent } from './types.js';

/** SIDCs (shared/checks.md; 2525C letter codes, 2525D where only 2525D has the point). */
export const SIDC = {
  /** hostile munition in flight (ballistic, type not a rocket or not known) */
  hostileMunition: 'SHAPWM---------',
  /** hostile surface-to-surface munition: a rocket */
  hostileRocket: 'SHAPWMSS-------',
  /** a track not classified yet: pending (awaiting evaluation) air track */
  pending: 'SPAP-----------',
  /** a non-ballistic air track (drone, aircraft, bird): unknown air track, never warned */
  unknownAir: 'SUAP-----------',
  impactPoint: 'GHGPGPWI------X',
  predictedImpact: 'GHGPGPWP------X',
  launchPoint: '10062500002503000000',
  /** friendly air-defence gun (C-RAM) */
  interceptor: 'SFGPEWA--------',
  /** friendly ground radar */
  radar: 'SFGPESR--------',
} as const;

export function trackSidc(ev: Pick<TrackEvent, 'class' | 'threat'>): string {
  if (ev.class === 'ballistic') return ev.threat?.startsWith('rocket') ? SIDC.hostileRocket : SIDC.hostileMunition;
  if (ev.class === 'air') return SIDC.unknownAir;
  return SIDC.pending;
}

export interface LabelStyle {
  px: number;
  color: string;
  bold?: boolean;
}

export const LABEL_STYLES: Record<string, LabelStyle> = {
  zone: { px: 13, color: '#c9d6e3', bold: true },
  landmark: { px: 11, color: '#8fa3b8' },
  track: { px: 13, color: '#ffffff', bold: true },
  launch: { px: 12, color: '#ff9de0', bold: true },
  impact: { px: 12, color: '#ffb0a0', bold: true },
  intercept: { px: 12, color: '#9dffb0', bold: true },
  unit: { px: 12, color: '#9fd4ff', bold: true },
};

interface Drawn {
  data: ImageData;
  pixelRatio: number;
}

const FONT = 'system-ui, "DejaVu Sans", "Liberation Sans", Arial, sans-serif';

function canvas(w: number, h: number): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.ceil(w));
  c.height = Math.max(1, Math.ceil(h));
  const ctx = c.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('2D canvas not available');
  return [c, ctx];
}

/**
 * A milsymbol symbol as image data; `size` in CSS pixels. The image is padded so that the symbol's anchor
 * (the point it stands for) is the image's centre: the map places icons by their centre.
 */
export function drawSymbol(sidc: string, size: number, ratio: number): Drawn {
  const sym = new ms.Symbol(sidc, { size: size * ratio, outlineWidth: 3 * ratio, outlineColor: 'rgba(0,0,0,0.85)', colorMode: 'Light' });
  const src = sym.asCanvas();
  const a = sym.getAnchor();
  const w = 2 * Math.max(a.x, src.width - a.x);
  const h = 2 * Math.max(a.y, src.height - a.y);
  const [, ctx] = canvas(w, h);
  ctx.drawImage(src, Math.round(ctx.canvas.width / 2 - a.x), Math.round(ctx.canvas.height / 2 - a.y));
  return { data: ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height), pixelRatio: ratio };
}

/** A one-line text label with a dark halo. */
export function drawLabel(text: string, style: LabelStyle, ratio: number): Drawn {
  const font = `${style.bold ? '600 ' : ''}${style.px * ratio}px ${FONT}`;
  const [, m] = canvas(1, 1);
  m.font = font;
  const w = m.measureText(text).width + 8 * ratio;
  const h = style.px * 1.5 * ratio;
  const [, ctx] = canvas(w, h);
  ctx.font = font;
  ctx.textBaseline = 'middle';
  ctx.lineJoin = 'round';
  ctx.lineWidth = 4 * ratio;
  ctx.strokeStyle = 'rgba(5,8,12,0.9)';
  ctx.strokeText(text, 4 * ratio, h / 2);
  ctx.fillStyle = style.color;
  ctx.fillText(text, 4 * ratio, h / 2);
  return { data: ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height), pixelRatio: ratio };
}

/** The intercept marker: an eight-pointed burst. */
export function drawBurst(size: number, ratio: number): Drawn {
  const s = size * ratio;
  const [, ctx] = canvas(s, s);
  const c = s / 2;
  ctx.beginPath();
  for (let i = 0; i < 16; i++) {
    const r = i % 2 === 0 ? c * 0.95 : c * 0.42;
    const a = (i * Math.PI) / 8;
    ctx.lineTo(c + r * Math.sin(a), c - r * Math.cos(a));
  }
  ctx.closePath();
  ctx.fillStyle = '#7dff8f';
  ctx.strokeStyle = '#06210b';
  ctx.lineWidth = 2 * ratio;
  ctx.fill();
  ctx.stroke();
  return { data: ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height), pixelRatio: ratio };
}

/** Draws the image an id names, or undefined for an id this module does not know. */
export function drawImage(id: string, ratio: number, scale = 1): Drawn | undefined {
  if (id.startsWith('sym:')) {
    const [sidc, size] = id.slice(4).split('@');
    return drawSymbol(sidc!, Number(size ?? 28) * scale, ratio);
  }
  if (id.startsWith('txt:')) {
    const rest = id.slice(4);
    const i = rest.indexOf(':');
    const style = LABEL_STYLES[rest.slice(0, i)] ?? LABEL_STYLES.landmark!;
    return drawLabel(rest.slice(i + 1), { ...style, px: style.px * scale }, ratio);
  }
  if (id === 'burst') return drawBurst(26 * scale, ratio);
  return undefined;
}
