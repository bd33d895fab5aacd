/** Words and numbers as the display writes them. Times are UTC (data time), "00:30:09Z". */

export function clockText(t: number, withTenths = false): string {
  if (!Number.isFinite(t)) return '--:--:--Z';
  const d = new Date(Math.floor(t * 1000));
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  const tenths = withTenths ? `.${Math.floor((t * 10) % 10)}` : '';
  return `${hh}:${mm}:${ss}${tenths}Z`;
}

export function dateText(t: number): string {
  if (!Number.isFinite(t)) return '';
  return new Date(Math.floor(t * 1000)).toISOString().slice(0, 10);
}

/** Whole seconds left, rounded up (a countdown shows 1 until the last instant), never negative. */
export function secondsLeft(dt: number): number {
  return Math.max(0, Math.ceil(dt - 1e-9));
}

/** 'rocket-122' → '122 mm rocket'; 'mortar' → 'mortar'; undefined → 'ballistic' */
export function threatText(threat: string | undefined, cls: string = 'ballistic'): string {
  if (!threat) return cls === 'ballistic' ? 'ballistic' : cls === 'air' ? 'air (non-ballistic)' : 'unknown';
  const m = /^(rocket|mortar|artillery|shell)-(\d+)$/.exec(threat);
  if (m) return `${m[2]} mm ${m[1]}`;
  return threat.replace(/-/g, ' ');
}

export function metresText(m: number): string {
  if (!Number.isFinite(m)) return '—';
  if (m >= 1000) return `${(m / 1000).toFixed(m >= 10000 ? 0 : 1)} km`;
  return `${Math.round(m / 10) * 10} m`;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** Sets text only when it changed (no layout work for a countdown that still shows the same second). */
export function setText(e: Element, s: string): void {
  if (e.textContent !== s) e.textContent = s;
}
