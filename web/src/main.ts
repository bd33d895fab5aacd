/**
 * Start-up: which source feeds the display.
 *   ?run=<folder url>        static mode: a `simulate --out` folder served by any static server
 *   a service answers api/   live mode (the page was served by `tocsin serve`)
 *   otherwise                 ask for a folder (pick it, or drop it on the page)
 * A `#token=…` in the URL is moved to sessionStorage first (replay control), out of the address bar.
 */
import './style.css';
import { App } from './app.js';
import { DataClock } from './clock.js';
import { LiveSource, probeService, takeTokenFromUrl, type ConnectionStatus } from './live-source.js';
import { StaticPlayer, filesFromDrop, loadRunFromFiles, loadRunFromUrl, type RunFolder } from './static-source.js';
import { Store } from './store.js';

const $ = (id: string) => document.getElementById(id)!;

function setConnection(text: string, state: string): void {
  const c = $('connection');
  c.textContent = text;
  c.dataset.state = state;
}

function fatal(msg: string): void {
  const f = $('fatal');
  f.textContent = msg;
  f.hidden = false;
}

let app: App | undefined;

function startStatic(run: RunFolder): void {
  const store = new Store(run.site);
  const clock = new DataClock();
  const player = new StaticPlayer(run, store, clock);
  setConnection(`run: ${run.name}`, 'static');
  app = new App(run.site, clock, store, player);
}

function startLive(site: Awaited<ReturnType<typeof probeService>> & object): void {
  const store = new Store(site);
  const clock = new DataClock();
  const labels: Record<ConnectionStatus, string> = {
    connecting: 'connecting…',
    live: 'live',
    reconnecting: 'connection lost — reconnecting…',
    offline: 'offline',
  };
  const live = new LiveSource(store, clock, (s) => setConnection(labels[s], s));
  setConnection(labels.connecting, 'connecting');
  app = new App(site, clock, store, live);
  live.start();
}

function showPicker(): void {
  const dlg = $('open-run') as HTMLDialogElement;
  const input = $('pick-folder') as HTMLInputElement;
  const err = $('open-error');
  const drop = $('drop-zone');
  setConnection('no service: open a run folder', 'offline');
  const load = async (files: File[]) => {
    err.textContent = '';
    try {
      const run = await loadRunFromFiles(files);
      dlg.close();
      startStatic(run);
    } catch (e) {
      err.textContent = (e as Error).message;
    }
  };
  input.addEventListener('change', () => void load([...(input.files ?? [])]));
  for (const target of [drop, document.body]) {
    target.addEventListener('dragover', (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
    target.addEventListener('dragleave', () => drop.classList.remove('over'));
    target.addEventListener('drop', (e) => {
      e.preventDefault();
      drop.classList.remove('over');
      if (app || !e.dataTransfer) return;
      void filesFromDrop(e.dataTransfer).then(load);
    });
  }
  // the picker is the only thing to do: it cannot be dismissed without a folder
  dlg.addEventListener('cancel', (e) => e.preventDefault());
  dlg.showModal();
}

async function boot(): Promise<void> {
  takeTokenFromUrl();
  const runParam = new URLSearchParams(location.search).get('run');
  $('btn-open').addEventListener('click', () => {
    // a new run starts from a clean page
    location.href = location.pathname + '?open';
  });
  if (runParam) {
    setConnection('loading the run…', 'connecting');
    try {
      startStatic(await loadRunFromUrl(runParam));
    } catch (e) {
      setConnection('run not loaded', 'offline');
      fatal(`Could not read the run folder "${runParam}": ${(e as Error).message}`);
    }
    return;
  }
  const site = new URLSearchParams(location.search).has('open') ? undefined : await probeService();
  if (site) startLive(site);
  else showPicker();
}

void boot();
