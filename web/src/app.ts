/**
 * The display once a site and a source are known: the store, the map, the panels, one animation-frame loop
 * that applies the queued events and redraws what changed, the keyboard shortcuts, and `window.__tocsin` (what
 * the page shows and how long it takes, for tests and for anyone measuring it).
 */
import { DataClock } from './clock.js';
import { ReplayControls, updateClock } from './controls.js';
import { IncidentsPanel, incidentFromHash } from './incidents-panel.js';
import { LogPanel } from './log-panel.js';
import { MapView } from './map-view.js';
import { OutcomesPanel } from './outcomes-panel.js';
import type { Playback } from './playback.js';
import { SensorsPanel } from './sensors-panel.js';
import { Alarm } from './sound.js';
import { Stats } from './stats.js';
import { affiliation, type Dirty, Store } from './store.js';
import { TracksPanel } from './tracks-panel.js';
import type { SiteJson } from './types.js';
import { AlertBanner, ZonesPanel, zoneCountdown } from './zones-panel.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const e = document.getElementById(id);
  if (!e) throw new Error(`#${id} missing from index.html`);
  return e as T;
};

/** Panels redraw at most this often (ms); countdowns show whole seconds, 4 Hz is plenty. */
const PANEL_INTERVAL_MS = 250;

export interface TocsinHook {
  ready: boolean;
  mode: string;
  stats(): {
    tracks: number;
    maxTracks: number;
    frameMs: { p50: number; p95: number; max: number };
    updateMs: { p50: number; p95: number; max: number };
    events: number;
    frames: number;
    updates: number;
    mapRenders: number;
    partsMs: Record<string, { p50: number; p95: number; max: number }>;
  };
  resetStats(): void;
  state(): unknown;
  rendered(layer: string): unknown[];
  now(): number;
  /** live mode: closes the stream as a network failure would (the page reconnects) */
  dropStream(): void;
  /** the MapLibre map, for diagnostics (`map.loaded()`, its events) */
  map: unknown;
}

declare global {
  interface Window {
    __tocsin?: TocsinHook;
  }
}

export class App {
  readonly clock: DataClock;
  readonly store: Store;
  readonly map: MapView;
  private readonly stats = new Stats();
  private readonly alarm = new Alarm();
  private readonly banner: AlertBanner;
  private readonly zonesPanel: ZonesPanel;
  private readonly tracksPanel: TracksPanel;
  private readonly outcomesPanel: OutcomesPanel;
  private readonly incidentsPanel: IncidentsPanel;
  private readonly sensorsPanel: SensorsPanel;
  private readonly logPanel: LogPanel;
  private readonly controls: ReplayControls;
  private pending: Partial<Dirty> = {};
  private lastPanels = 0;
  private lastExpire = 0;
  private startT = NaN;
  private rendersBase = 0;

  constructor(
    readonly site: SiteJson,
    clock: DataClock,
    store: Store,
    readonly playback: Playback,
  ) {
    this.clock = clock;
    this.store = store;
    $('site-name').textContent = site.name;
    document.title = `tocsin — ${site.name}`;
    const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    this.map = new MapView({ container: $('map'), site, reducedMotion });
    this.banner = new AlertBanner($('banner'));
    this.zonesPanel = new ZonesPanel($('zones'), store);
    this.tracksPanel = new TracksPanel($<HTMLTableSectionElement>('tracks-body'), $('tracks-count'), (id) => this.focusTrack(id));
    this.outcomesPanel = new OutcomesPanel($('outcomes'), $('outcomes-summary'));
    this.incidentsPanel = new IncidentsPanel($('incidents'), $<HTMLDialogElement>('report'), (id) => playback.report(id));
    this.sensorsPanel = new SensorsPanel($('sensors'));
    this.logPanel = new LogPanel($<HTMLOListElement>('log'));
    this.controls = new ReplayControls($('replay'), clock, playback);
    this.wireToolbar();
    this.wireKeys();
    window.addEventListener('hashchange', () => this.openFromHash());
    this.openFromHash();
    this.expose();
    requestAnimationFrame(this.frame);
    // a hidden tab gets no animation frames: keep applying events (and sounding) once a second
    setInterval(() => {
      if (document.hidden) this.work(performance.now());
    }, 1000);
  }

  private lastTs = NaN;
  /** smoothed frame interval (ms) */
  private frameEma = 16.7;

  private frame = (ts: number): void => {
    this.stats.frame(ts);
    if (Number.isFinite(this.lastTs)) {
      this.frameEma += 0.1 * (Math.min(ts - this.lastTs, 2000) - this.frameEma);
      // the map redraws at up to 10 Hz; on a machine that cannot keep up (software WebGL) less often, so that
      // the countdowns and panels stay responsive
      this.map.minIntervalMs = Math.min(1000, Math.max(100, 3 * this.frameEma));
    }
    this.lastTs = ts;
    this.work(ts);
    requestAnimationFrame(this.frame);
  };

  private work(wallMs: number): void {
    const t0 = performance.now();
    this.playback.tick();
    const n = this.store.flush();
    if (n > 0) this.stats.part('flush', performance.now() - t0);
    const now = this.clock.now();
    if (!Number.isFinite(this.startT) && Number.isFinite(now)) this.startT = now;
    if (wallMs - this.lastExpire >= 1000 || n > 0) {
      if (wallMs - this.lastExpire >= 1000) {
        this.lastExpire = wallMs;
        this.store.expire(now);
      }
      this.store.updateSensorStates(now, this.startT);
    }
    const d = this.store.takeDirty();
    this.map.mark(d);
    for (const k of Object.keys(d) as (keyof Dirty)[]) if (d[k]) this.pending[k] = true;
    const changes = this.store.takeStageChanges();
    if (changes.siren.length) this.alarm.siren();
    else if (changes.early.length) this.alarm.early();
    else if (changes.clear.length) this.alarm.clear();
    const t1 = performance.now();
    const mapWork = this.map.update(this.store, now, wallMs);
    const t2 = performance.now();
    if (mapWork) this.stats.part('map', t2 - t1);
    let panelWork = false;
    if (wallMs - this.lastPanels >= PANEL_INTERVAL_MS || this.pending.reset) {
      this.lastPanels = wallMs;
      this.updatePanels(now);
      panelWork = true;
      this.stats.part('panels', performance.now() - t2);
    }
    if (n > 0 || mapWork || panelWork) this.stats.update(performance.now() - t0);
  }

  private updatePanels(now: number): void {
    const d = this.pending;
    this.pending = {};
    this.banner.update(this.store, now);
    this.zonesPanel.update(this.store, now);
    this.tracksPanel.update(this.store, now);
    if (d.outcomes) this.outcomesPanel.update(this.store);
    if (d.incidents) this.incidentsPanel.update(this.store);
    this.sensorsPanel.update(this.store, now);
    if (d.log || d.reset) this.logPanel.update(this.store, !!d.reset);
    this.controls.update();
    updateClock(this.clock, $('clock-time'), $('clock-date'), $('clock-mode'));
  }

  private focusTrack(id: number): void {
    const rec = this.store.tracks.get(id);
    if (!rec) return;
    this.map.map.easeTo({ center: [rec.ev.lon, rec.ev.lat], duration: 400 });
  }

  private openFromHash(): void {
    const id = incidentFromHash(location.hash);
    if (id) void this.incidentsPanel.open(id);
  }

  private setLarge(on: boolean): void {
    document.documentElement.classList.toggle('large', on);
    const b = $('btn-large');
    b.setAttribute('aria-pressed', String(on));
    try {
      localStorage.setItem('tocsin.large', on ? 'on' : 'off');
    } catch {
      // not remembered
    }
    this.map.setScale(on ? 1.5 : 1);
    requestAnimationFrame(() => this.map.resize());
  }

  private setSound(on: boolean): void {
    this.alarm.setEnabled(on);
    const b = $('btn-sound');
    b.setAttribute('aria-pressed', String(on));
    b.textContent = on ? 'Sound on' : 'Sound off';
  }

  private wireToolbar(): void {
    $('btn-sound').addEventListener('click', () => this.setSound(!this.alarm.enabled));
    $('btn-large').addEventListener('click', () => this.setLarge(!document.documentElement.classList.contains('large')));
    $('btn-fit').addEventListener('click', () => this.map.fit(true, this.store));
    const help = $<HTMLDialogElement>('help');
    $('btn-help').addEventListener('click', () => help.showModal());
    help.querySelector('[data-action="close"]')?.addEventListener('click', () => help.close());
    const sound = $('btn-sound');
    sound.setAttribute('aria-pressed', String(this.alarm.enabled));
    sound.textContent = this.alarm.enabled ? 'Sound on' : 'Sound off';
    let large = new URLSearchParams(location.search).get('large');
    if (large === null) {
      try {
        large = localStorage.getItem('tocsin.large') === 'on' ? '1' : '0';
      } catch {
        large = '0';
      }
    }
    if (large === '1' || large === 'on') this.setLarge(true);
    window.addEventListener('resize', () => this.map.resize());
  }

  private wireKeys(): void {
    document.addEventListener('keydown', (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      const tag = t?.tagName ?? '';
      // keys typed into a control belong to it: text fields take every key, a slider its arrows, a button or a
      // link Space and Enter (which press it); the other shortcuts work wherever the focus is
      if (tag === 'TEXTAREA' || tag === 'SELECT' || t?.isContentEditable) return;
      if (tag === 'INPUT') {
        const type = (t as HTMLInputElement).type;
        if (type !== 'range' || /^(Arrow|Home|End|Page)/.test(e.key)) return;
      }
      if ((tag === 'BUTTON' || tag === 'A') && (e.key === ' ' || e.key === 'Enter')) return;
      if (document.querySelector('dialog[open]')) return;
      let done = true;
      switch (e.key) {
        case ' ':
        case 'k':
          this.controls.togglePlay();
          break;
        case '1':
        case '2':
        case '3':
        case '4':
        case '5':
          this.controls.setSpeedIndex(Number(e.key) - 1);
          break;
        case 'ArrowLeft':
        case 'ArrowRight':
          if (t?.closest('#map')) {
            done = false;
            break;
          }
          this.controls.step(e.key === 'ArrowLeft' ? -5 : 5);
          break;
        case 's':
          this.setSound(!this.alarm.enabled);
          break;
        case 'l':
          this.setLarge(!document.documentElement.classList.contains('large'));
          break;
        case 'f':
          this.map.fit(true, this.store);
          break;
        case '?':
          $<HTMLDialogElement>('help').showModal();
          break;
        default:
          done = false;
      }
      if (done) e.preventDefault();
    });
  }

  private expose(): void {
    const hook: TocsinHook = {
      ready: false,
      mode: this.playback.kind === 'static' ? 'static' : this.clock.mode,
      stats: () => ({
        tracks: this.store.tracks.size,
        maxTracks: this.store.maxTracks,
        frameMs: this.stats.frameMs(),
        updateMs: this.stats.updateMs(),
        events: this.store.events,
        frames: this.stats.frameCount,
        updates: this.stats.updateCount,
        mapRenders: this.map.renders - this.rendersBase,
        partsMs: this.stats.partsMs(),
      }),
      resetStats: () => {
        this.stats.reset();
        this.rendersBase = this.map.renders;
      },
      now: () => this.clock.now(),
      dropStream: () => (this.playback as { drop?: () => void }).drop?.(),
      map: this.map.map,
      rendered: (layer) => this.map.rendered(layer),
      state: () => {
        const now = this.clock.now();
        return {
          t: now,
          clock: this.clock.state(),
          tracks: [...this.store.tracks.values()].map((r) => ({ id: r.ev.trackId, class: r.ev.class, threat: r.ev.threat, affiliation: affiliation(r.ev) })),
          zones: [...this.store.zones.values()].map((z) => ({ id: z.id, stage: z.stage, ...zoneCountdown(this.store, z, now) })),
          outcomes: this.store.outcomes.map((o) => ({ kind: o.kind, trackId: o.trackId, zone: o.zoneId, interceptor: o.interceptor })),
          incidents: [...this.store.incidents.keys()],
          log: this.store.log.length,
        };
      },
    };
    window.__tocsin = hook;
    this.map.map.once('idle', () => {
      hook.ready = true;
      document.body.dataset.ready = 'true';
    });
  }
}
