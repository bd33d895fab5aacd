/**
 * Incidents and their reports. Each incident is a link (#incident=<id>), so a report can be shared and
 * reopened; the report is the same text as report.md (GET /api/incidents/:id.md live, the incident's section
 * of the folder's report.md in static mode), shown in a dialog.
 */
import { clockText, dateText, el } from './format.js';
import { renderMarkdown } from './markdown.js';
import type { Store } from './store.js';

export type ReportFetcher = (incidentId: string) => Promise<string>;

export function incidentHash(id: string): string {
  return `#incident=${encodeURIComponent(id)}`;
}

/** The incident id of a location hash "#incident=<id>", if it names one. */
export function incidentFromHash(hash: string): string | undefined {
  const m = /(?:^#|&)incident=([^&]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export class IncidentsPanel {
  private signature = '';
  private openId: string | undefined;

  constructor(
    private readonly list: HTMLElement,
    private readonly dialog: HTMLDialogElement,
    private readonly fetchReport: ReportFetcher,
  ) {
    dialog.addEventListener('close', () => {
      this.openId = undefined;
      if (incidentFromHash(location.hash)) history.replaceState(null, '', location.pathname + location.search);
    });
    dialog.querySelector('[data-action="close"]')?.addEventListener('click', () => dialog.close());
  }

  update(store: Store): void {
    const incs = [...store.incidents.values()].sort((a, b) => b.t - a.t);
    const sig = incs.map((i) => `${i.incidentId}|${i.status ?? ''}|${i.title ?? ''}`).join(',');
    if (sig === this.signature) return;
    this.signature = sig;
    const items = incs.map((i) => {
      const a = el('a', { href: incidentHash(i.incidentId), 'data-testid': 'incident-link', 'data-incident': i.incidentId }, i.incidentId);
      return el(
        'li',
        { 'data-testid': 'incident', 'data-incident': i.incidentId, 'data-status': i.status ?? '' },
        a,
        el('span', { class: 'ititle' }, i.title ? ` — ${i.title}` : ''),
        el('span', { class: 'time' }, ` ${dateText(i.t)} ${clockText(i.t)}${i.status ? ` · ${i.status}` : ''}`),
      );
    });
    this.list.replaceChildren(...(items.length ? items : [el('li', { class: 'empty' }, 'No incident yet')]));
  }

  async open(id: string): Promise<void> {
    this.openId = id;
    const title = this.dialog.querySelector<HTMLElement>('[data-role="title"]')!;
    const body = this.dialog.querySelector<HTMLElement>('[data-role="body"]')!;
    const link = this.dialog.querySelector<HTMLAnchorElement>('[data-role="link"]');
    title.textContent = `Incident ${id}`;
    if (link) link.href = incidentHash(id);
    body.replaceChildren(el('p', {}, 'Loading the report…'));
    body.dataset.incident = id;
    body.dataset.loaded = 'false';
    if (!this.dialog.open) this.dialog.showModal();
    try {
      const md = await this.fetchReport(id);
      if (this.openId !== id) return;
      renderMarkdown(md, body);
      body.dataset.loaded = 'true';
    } catch (e) {
      if (this.openId !== id) return;
      body.replaceChildren(el('p', { class: 'error' }, `The report could not be read: ${(e as Error).message}`));
      body.dataset.loaded = 'error';
    }
    this.dialog.querySelector<HTMLElement>('[data-action="close"]')?.focus();
  }
}
