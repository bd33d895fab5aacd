/** Sensor status: each radar's state (ok, degraded, silent, disabled), its last plot and plot count. */
import { el, setText } from './format.js';
import type { Store } from './store.js';

export class SensorsPanel {
  private readonly rows = new Map<string, { li: HTMLElement; state: HTMLElement; last: HTMLElement; plots: HTMLElement }>();

  constructor(private readonly root: HTMLElement) {}

  update(store: Store, now: number): void {
    for (const s of store.sensors.values()) {
      let r = this.rows.get(s.id);
      if (!r) {
        const state = el('span', { class: 'state', 'data-testid': 'sensor-state' });
        const last = el('span', { class: 'last' });
        const plots = el('span', { class: 'plots' });
        const li = el('li', { 'data-testid': 'sensor', 'data-sensor': s.id }, el('span', { class: 'sname' }, s.id), state, last, plots);
        r = { li, state, last, plots };
        this.rows.set(s.id, r);
        this.root.append(li);
      }
      if (r.li.dataset.state !== s.state) r.li.dataset.state = s.state;
      setText(r.state, s.state);
      const age = s.lastPlot !== undefined && Number.isFinite(now) ? Math.max(0, now - s.lastPlot) : undefined;
      setText(r.last, age === undefined ? 'no plot yet' : age < 60 ? `last plot ${age.toFixed(1)} s ago` : `last plot ${Math.round(age / 60)} min ago`);
      setText(r.plots, `${s.plots} plots`);
    }
  }
}
