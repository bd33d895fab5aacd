/**
 * The event log, newest first: track status changes, alerts, engagements, impacts, intercepts, incidents.
 * New entries are prepended and the oldest rows dropped beyond MAX_ROWS: nothing is rebuilt per event.
 */
import { clockText, el } from './format.js';
import type { LogEntry, Store } from './store.js';

const MAX_ROWS = 300;

export class LogPanel {
  constructor(private readonly root: HTMLOListElement) {}

  private row(e: LogEntry): HTMLLIElement {
    const li = el('li', { 'data-kind': e.kind, 'data-level': e.level }, el('time', {}, clockText(e.t)), el('span', { class: 'msg' }, e.text));
    if (e.incidentId) {
      const a = el('a', { href: `#incident=${encodeURIComponent(e.incidentId)}` }, 'report');
      li.append(' ', a);
    }
    return li;
  }

  /** reset: the store was rebuilt (scrub back, reconnect): the log is redrawn from it */
  update(store: Store, reset: boolean): void {
    const fresh = store.takeFreshLog();
    if (reset) {
      const last = store.log.slice(-MAX_ROWS).reverse();
      this.root.replaceChildren(...last.map((e) => this.row(e)));
      return;
    }
    if (fresh.length === 0) return;
    const frag = document.createDocumentFragment();
    for (let i = fresh.length - 1; i >= Math.max(0, fresh.length - MAX_ROWS); i--) frag.append(this.row(fresh[i]!));
    this.root.prepend(frag);
    while (this.root.childElementCount > MAX_ROWS) this.root.lastElementChild!.remove();
  }
}
