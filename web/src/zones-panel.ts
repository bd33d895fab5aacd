/**
 * The alert banner (what sounds, where, and how many seconds are left) and the zone list (every zone with
 * its stage, the countdown to impact and to the end of its shelter time).
 *
 * Countdowns run on the data clock (clock.ts). "Impact" counts down to the earliest predicted impact of the
 * tracks that warned the zone; "shelter" counts down the zone's shelter time from its siren: the seconds the
 * people in the zone have left to reach shelter.
 */
import { el, secondsLeft, setText } from './format.js';
import type { Store, ZoneInfo } from './store.js';

export interface ZoneCountdown {
  /** s to the predicted impact; undefined: no warning track in flight any more */
  impactIn?: number;
  /** s left of the shelter time since the siren */
  shelterIn?: number;
  /** no warning track in flight: how they ended ('impact' when one of them fell) */
  ended?: 'impact' | 'other';
}

export function zoneCountdown(store: Store, z: ZoneInfo, now: number): ZoneCountdown {
  const c: ZoneCountdown = {};
  if (z.stage !== 'siren' && z.stage !== 'early') return c;
  const it = store.zoneImpactTime(z);
  if (it !== undefined) c.impactIn = it - now;
  else c.ended = z.trackIds.some((id) => store.ended.get(id)?.ev.status === 'impact') ? 'impact' : 'other';
  if (z.stage === 'siren' && z.sirenAt !== undefined) c.shelterIn = z.sirenAt + z.shelterSeconds - now;
  return c;
}

export function impactText(c: ZoneCountdown): string {
  if (c.impactIn === undefined) return c.ended === 'impact' ? 'impacted' : 'threat ended';
  if (c.impactIn <= 0) return 'impact due';
  return `${secondsLeft(c.impactIn)} s`;
}

export function shelterText(c: ZoneCountdown): string {
  if (c.shelterIn === undefined) return '';
  return c.shelterIn > 0 ? `${secondsLeft(c.shelterIn)} s` : 'over';
}

const HEAD: Record<string, string> = {
  siren: 'SIREN — TAKE COVER',
  early: 'EARLY WARNING — MOVE TOWARDS SHELTER',
  clear: 'ALL CLEAR',
  none: 'No alert',
};

/**
 * The banner: the stage, and for each alert with a threat in flight one countdown to impact with the zones it
 * covers (the zones of one alert share their tracks, so their impact time) and each zone's shelter seconds.
 * Zones whose threats have all ended, still sounding until their all-clear, are named on one line.
 */
export class AlertBanner {
  private signature = '';
  private readonly head: HTMLElement;
  private readonly list: HTMLUListElement;
  private groups: { zones: ZoneInfo[]; impact: HTMLElement; shelters: HTMLElement[] }[] = [];

  constructor(private readonly root: HTMLElement) {
    this.head = el('div', { class: 'banner-head', 'data-testid': 'banner-head' }, HEAD.none!);
    this.list = el('ul', { class: 'banner-zones', 'data-testid': 'banner-zones' });
    root.replaceChildren(this.head, this.list);
  }

  update(store: Store, now: number): void {
    const active = [...store.zones.values()].filter((z) => z.stage === 'siren' || z.stage === 'early');
    const cleared = [...store.zones.values()].filter((z) => z.stage === 'clear');
    const stage = active.some((z) => z.stage === 'siren') ? 'siren' : active.length ? 'early' : cleared.length ? 'clear' : 'none';
    // sirens first, then early warnings; the soonest impact first within each
    const order = (z: ZoneInfo) => (z.stage === 'siren' ? 0 : 1);
    const counting = active.filter((z) => store.zoneImpactTime(z) !== undefined);
    counting.sort((a, b) => order(a) - order(b) || store.zoneImpactTime(a)! - store.zoneImpactTime(b)!);
    const byAlert = new Map<string, ZoneInfo[]>();
    for (const z of counting) {
      const k = `${z.alertId ?? z.id}|${z.stage}`;
      const g = byAlert.get(k);
      if (g) g.push(z);
      else byAlert.set(k, [z]);
    }
    const named = active.length ? active.filter((z) => store.zoneImpactTime(z) === undefined) : cleared;
    const sig = `${stage}|${[...byAlert.values()].map((g) => g.map((z) => `${z.id}:${z.stage}`).join('+')).join(',')}|${named.map((z) => z.id).join(',')}`;
    if (sig !== this.signature) {
      // the live region changes only when zones or stages change, never with the seconds
      this.signature = sig;
      this.root.dataset.stage = stage;
      setText(this.head, HEAD[stage]!);
      this.groups = [];
      const items: HTMLElement[] = [];
      for (const zones of byAlert.values()) {
        const impact = el('span', { class: 'count', 'data-testid': 'banner-seconds', 'aria-live': 'off', role: 'timer' });
        const shelters: HTMLElement[] = [];
        const names = el('span', { class: 'znames' });
        zones.forEach((z, i) => {
          const sh = el('span', { class: 'shelter', 'aria-live': 'off' });
          shelters.push(sh);
          names.append(el('span', { class: 'zone', 'data-zone': z.id }, el('span', { class: 'zname' }, z.name), ' ', sh), i < zones.length - 1 ? ', ' : '');
        });
        this.groups.push({ zones, impact, shelters });
        items.push(el('li', { 'data-zones': zones.map((z) => z.id).join(' '), 'data-stage': zones[0]!.stage }, impact, names));
      }
      if (named.length) {
        const what = active.length ? 'threat over, sounding until the all-clear:' : 'all clear:';
        items.push(el('li', { class: 'named', 'data-zones': named.map((z) => z.id).join(' ') }, el('span', { class: 'what' }, what), ` ${named.map((z) => z.name).join(', ')}`));
      }
      this.list.replaceChildren(...items);
    }
    for (const g of this.groups) {
      const cd = zoneCountdown(store, g.zones[0]!, now);
      setText(g.impact, cd.impactIn === undefined || cd.impactIn <= 0 ? impactText(cd) : `impact ${impactText(cd)}`);
      g.zones.forEach((z, i) => {
        const s = shelterText(zoneCountdown(store, z, now));
        setText(g.shelters[i]!, s ? `(shelter ${s})` : '');
      });
    }
  }
}

export class ZonesPanel {
  private readonly rows = new Map<string, { li: HTMLElement; stage: HTMLElement; impact: HTMLElement; shelter: HTMLElement }>();

  constructor(root: HTMLElement, store: Store) {
    const items: HTMLElement[] = [];
    for (const z of store.zones.values()) {
      const stage = el('span', { class: 'stage', 'data-testid': 'zone-stage' });
      const impact = el('span', { class: 'cd', 'data-testid': 'zone-impact-countdown', role: 'timer' });
      const shelter = el('span', { class: 'cd', 'data-testid': 'zone-shelter-countdown', role: 'timer' });
      const li = el(
        'li',
        { 'data-testid': 'zone-row', 'data-zone': z.id, 'data-stage': 'none' },
        el('span', { class: 'zname' }, z.name),
        stage,
        el('span', { class: 'cdl' }, 'impact ', impact),
        el('span', { class: 'cdl' }, 'shelter ', shelter),
        el('span', { class: 'zmeta' }, `shelter time ${z.shelterSeconds} s`),
      );
      this.rows.set(z.id, { li, stage, impact, shelter });
      items.push(li);
    }
    root.replaceChildren(...items);
  }

  update(store: Store, now: number): void {
    for (const z of store.zones.values()) {
      const r = this.rows.get(z.id);
      if (!r) continue;
      if (r.li.dataset.stage !== z.stage) r.li.dataset.stage = z.stage;
      setText(r.stage, z.stage === 'none' ? '—' : z.stage === 'clear' ? 'all clear' : z.stage);
      const cd = zoneCountdown(store, z, now);
      const ended = cd.impactIn === undefined && (z.stage === 'siren' || z.stage === 'early');
      if (r.li.dataset.ended !== String(ended)) r.li.dataset.ended = String(ended);
      setText(r.impact, z.stage === 'siren' || z.stage === 'early' ? impactText(cd) : '');
      setText(r.shelter, shelterText(cd));
    }
  }
}
