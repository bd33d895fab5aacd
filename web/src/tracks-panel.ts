/**
 * The track list: every live track, hostile ones first and the soonest impact first, with its symbol, class,
 * height, speed and time to impact. Rows are kept per track and only their changed texts are written; at most
 * MAX_ROWS are shown (a person reads the first few; the count says how many more there are).
 */
import ms from 'milsymbol';
import { el, metresText, secondsLeft, setText, threatText } from './format.js';
import { affiliation, type Store } from './store.js';
import { trackSidc } from './symbols.js';

const MAX_ROWS = 60;

interface Row {
  tr: HTMLTableRowElement;
  icon: HTMLImageElement;
  cls: HTMLElement;
  alt: HTMLElement;
  speed: HTMLElement;
  tti: HTMLElement;
  sidc: string;
}

const iconCache = new Map<string, string>();
function iconUrl(sidc: string): string {
  let u = iconCache.get(sidc);
  if (!u) {
    u = new ms.Symbol(sidc, { size: 18, colorMode: 'Light' }).toDataURL();
    iconCache.set(sidc, u);
  }
  return u;
}

export class TracksPanel {
  private readonly rows = new Map<number, Row>();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly count: HTMLElement,
    private readonly onSelect: (trackId: number) => void,
  ) {}

  update(store: Store, now: number): void {
    const recs = [...store.tracks.values()];
    const tti = (id: number) => {
      const p = store.predictions.get(id);
      return p ? p.impactTime - now : Infinity;
    };
    const rank = (a: ReturnType<typeof affiliation>) => (a === 'hostile' ? 0 : a === 'pending' ? 1 : 2);
    recs.sort((a, b) => rank(affiliation(a.ev)) - rank(affiliation(b.ev)) || tti(a.ev.trackId) - tti(b.ev.trackId) || a.ev.trackId - b.ev.trackId);
    const hostile = recs.filter((r) => r.ev.class === 'ballistic').length;
    const more = recs.length > MAX_ROWS ? ` — first ${MAX_ROWS} shown` : '';
    setText(this.count, `${recs.length} (${hostile} hostile)${more}`);
    this.count.dataset.tracks = String(recs.length);
    this.count.dataset.hostile = String(hostile);

    const shown = recs.slice(0, MAX_ROWS);
    const keep = new Set(shown.map((r) => r.ev.trackId));
    for (const [id, row] of this.rows) {
      if (!keep.has(id)) {
        row.tr.remove();
        this.rows.delete(id);
      }
    }
    let prev: Element | null = null;
    for (const rec of shown) {
      const ev = rec.ev;
      let row = this.rows.get(ev.trackId);
      if (!row) {
        row = this.makeRow(ev.trackId);
        this.rows.set(ev.trackId, row);
      }
      const sidc = trackSidc(ev);
      if (row.sidc !== sidc) {
        row.sidc = sidc;
        row.icon.src = iconUrl(sidc);
        row.icon.alt = affiliation(ev);
      }
      const aff = affiliation(ev);
      if (row.tr.dataset.affiliation !== aff) row.tr.dataset.affiliation = aff;
      if (row.tr.dataset.class !== ev.class) row.tr.dataset.class = ev.class;
      const threat = ev.threat ?? '';
      if (row.tr.dataset.threat !== threat) row.tr.dataset.threat = threat;
      setText(row.cls, ev.class === 'ballistic' ? `hostile · ${threatText(ev.threat)}` : ev.class === 'air' ? 'air · not a threat' : 'unknown');
      setText(row.alt, metresText(ev.alt - store.site.terrainAlt));
      setText(row.speed, `${Math.round(ev.speed)} m/s`);
      const t = tti(ev.trackId);
      setText(row.tti, Number.isFinite(t) ? (t > 0 ? `${secondsLeft(t)} s` : 'now') : '—');
      // keep the DOM order = the sorted order, moving only rows out of place
      const want: Element | null = prev ? prev.nextElementSibling : this.body.firstElementChild;
      if (want !== row.tr) this.body.insertBefore(row.tr, want);
      prev = row.tr;
    }
  }

  private makeRow(id: number): Row {
    const icon = el('img', { class: 'sym', width: '22', height: '22', alt: '' });
    const cls = el('td', { 'data-testid': 'track-class' });
    const alt = el('td', { class: 'num' });
    const speed = el('td', { class: 'num' });
    const tti = el('td', { class: 'num', 'data-testid': 'track-tti' });
    const btn = el('button', { class: 'linkish', type: 'button', title: `Show T${id} on the map` }, `T${id}`);
    btn.addEventListener('click', () => this.onSelect(id));
    const tr = el('tr', { 'data-testid': 'track-row', 'data-track-id': String(id) }, el('td', {}, icon), el('td', {}, btn), cls, alt, speed, tti);
    return { tr, icon, cls, alt, speed, tti, sidc: '' };
  }
}
