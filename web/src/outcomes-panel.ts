/** Impacts and intercepts: where each projectile ended, and which interceptor shot it down. */
import { clockText, el, threatText } from './format.js';
import type { Store } from './store.js';

const MAX_ROWS = 50;

export class OutcomesPanel {
  constructor(
    private readonly root: HTMLElement,
    private readonly summary: HTMLElement,
  ) {}

  update(store: Store): void {
    // newest first; a salvo's hundreds of impacts are counted, the latest listed
    const items = store.outcomes.slice(-MAX_ROWS).reverse().map((o) =>
      el(
        'li',
        { 'data-testid': 'outcome', 'data-kind': o.kind, 'data-track-id': String(o.trackId), 'data-zone': o.zoneId ?? '' },
        el('span', { class: 'time' }, clockText(o.t)),
        el('span', { class: `badge ${o.kind}` }, o.kind === 'impact' ? 'IMPACT' : 'INTERCEPT'),
        ` T${o.trackId}${o.threat ? ` (${threatText(o.threat)})` : ''}: `,
        o.kind === 'intercept' ? `shot down${o.interceptor ? ` by ${o.interceptor}` : ''} ${o.place}` : o.place,
      ),
    );
    this.root.replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'None yet')]));
    const impacts = store.outcomes.filter((o) => o.kind === 'impact').length;
    const intercepts = store.outcomes.length - impacts;
    this.summary.textContent = `${impacts} impact${impacts === 1 ? '' : 's'}, ${intercepts} intercept${intercepts === 1 ? '' : 's'}`;
    this.summary.dataset.impacts = String(impacts);
    this.summary.dataset.intercepts = String(intercepts);
  }
}
