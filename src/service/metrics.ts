/**
 * The service's counters, two ways: `GET /api/metrics` (JSON, design.md §4.3) and `GET /metrics` (Prometheus
 * text format through prom-client). One source of truth: the Prometheus gauges read the JSON snapshot when
 * scraped; only the latency histograms are observed as they happen.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricsSnapshot {
  uptimeSeconds: number;
  datagrams: number;
  bytes: number;
  plotsAccepted: number;
  plotsProcessed: number;
  rejected: Record<string, number>;
  /** the last message per reject reason (what a radar sends wrong) */
  lastReject: Record<string, string>;
  tracks: { live: number; confirmed: number; ballistic: number; confirmedTotal: number };
  /** publishErrors: alert messages whose publication failed after the stream had them (CAP file, journal mark) */
  alerts: { messages: number; active: number; publishErrors: number };
  engagements: number;
  incidents: number;
  batches: number;
  engineErrors: number;
  /**
   * plots that reached their track after a newer plot of it (release per sensor): taken by reprocessing, or
   * dropped as older than the update before the track's last (counted, like every refusal)
   */
  outOfSequence: { reordered: number; tooLate: number };
  websocket: { clients: number; sent: number; dropped: number };
  cat062: { datagrams: number; records: number; errors: number } | undefined;
  cot: Record<string, number> | undefined;
  journal: { batches: number; plots: number; bytes: number };
  restored: { batches: number; plots: number; unsent: number };
  latencyMs: { alert: { p50: number; p99: number; n: number }; track: { p50: number; p99: number; n: number } };
  /** the event-loop thread's scheduling (`serve --realtime`): 'fifo' at its priority, or 'normal' (and why, if asked for real-time) */
  scheduling: { policy: 'fifo' | 'normal'; priority: number; error?: string };
}

/** Latency buckets, ms. */
const BUCKETS = [0.25, 0.5, 1, 2, 3, 5, 7.5, 10, 20, 50, 100, 250, 500, 1000, 2500];

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly alertLatency: Histogram;
  readonly trackLatency: Histogram;
  private readonly alertMs: number[] = [];
  private readonly trackMs: number[] = [];

  constructor(snapshotNow: () => MetricsSnapshot) {
    const r = this.registry;
    // one snapshot per scrape, not one per gauge
    let cached: { at: number; s: MetricsSnapshot } | undefined;
    const snapshot = (): MetricsSnapshot => {
      const now = performance.now();
      if (!cached || now - cached.at > 250) cached = { at: now, s: snapshotNow() };
      return cached.s;
    };
    collectDefaultMetrics({ register: r, prefix: 'tocsin_process_' });
    const gauge = (name: string, help: string, labelNames: string[], read: (g: Gauge, s: MetricsSnapshot) => void): void => {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [r],
        collect() {
          read(this as Gauge, snapshot());
        },
      });
    };
    gauge('tocsin_datagrams_total', 'UDP datagrams received on the ASTERIX input', [], (g, s) => g.set(s.datagrams));
    gauge('tocsin_plots_accepted_total', 'radar plots accepted', [], (g, s) => g.set(s.plotsAccepted));
    gauge('tocsin_plots_processed_total', 'radar plots processed by the engine', [], (g, s) => g.set(s.plotsProcessed));
    gauge('tocsin_rejected_total', 'datagrams or plots rejected, by reason', ['reason'], (g, s) => {
      for (const [k, v] of Object.entries(s.rejected)) g.set({ reason: k }, v);
    });
    gauge('tocsin_tracks', 'live tracks', ['kind'], (g, s) => {
      g.set({ kind: 'live' }, s.tracks.live);
      g.set({ kind: 'confirmed' }, s.tracks.confirmed);
      g.set({ kind: 'ballistic' }, s.tracks.ballistic);
    });
    gauge('tocsin_plots_out_of_sequence_total', 'plots that reached their track after a newer one of it, by what became of them', ['result'], (g, s) => {
      g.set({ result: 'reordered' }, s.outOfSequence.reordered);
      g.set({ result: 'too-late' }, s.outOfSequence.tooLate);
    });
    gauge('tocsin_alert_messages_total', 'alert messages issued', [], (g, s) => g.set(s.alerts.messages));
    gauge('tocsin_alerts_active', 'alerts not yet cleared', [], (g, s) => g.set(s.alerts.active));
    gauge('tocsin_alert_publish_errors_total', 'alert messages whose CAP file or published mark failed (sent again after a restart)', [], (g, s) => g.set(s.alerts.publishErrors));
    gauge('tocsin_engagements_total', 'engagement events', [], (g, s) => g.set(s.engagements));
    gauge('tocsin_incidents_total', 'incidents', [], (g, s) => g.set(s.incidents));
    gauge('tocsin_engine_errors_total', 'batches the engine failed on (logged; the service goes on)', [], (g, s) => g.set(s.engineErrors));
    gauge('tocsin_realtime_priority', "the event-loop thread's SCHED_FIFO priority (0: normal scheduling)", [], (g, s) => g.set(s.scheduling.priority));
    gauge('tocsin_websocket_clients', 'WebSocket clients connected', [], (g, s) => g.set(s.websocket.clients));
    this.alertLatency = new Histogram({
      name: 'tocsin_alert_latency_ms',
      help: 'datagram received → alert sent on the WebSocket, ms',
      buckets: BUCKETS,
      registers: [r],
    });
    this.trackLatency = new Histogram({
      name: 'tocsin_track_latency_ms',
      help: 'datagram received → track sent (WebSocket and CAT062), ms',
      buckets: BUCKETS,
      registers: [r],
    });
  }

  observeAlert(ms: number): void {
    this.alertLatency.observe(ms);
    push(this.alertMs, ms);
  }

  observeTrack(ms: number): void {
    this.trackLatency.observe(ms);
    push(this.trackMs, ms);
  }

  latency(): MetricsSnapshot['latencyMs'] {
    return { alert: quantiles(this.alertMs), track: quantiles(this.trackMs) };
  }
}

/** Keeps the latest samples: between 10,000 and 20,000 (trimmed in halves). */
function push(a: number[], v: number): void {
  a.push(v);
  if (a.length > 20000) a.splice(0, 10000);
}

export function quantiles(a: readonly number[]): { p50: number; p99: number; n: number } {
  if (!a.length) return { p50: NaN, p99: NaN, n: 0 };
  const s = [...a].sort((x, y) => x - y);
  const q = (f: number): number => s[Math.min(s.length - 1, Math.floor(f * s.length))]!;
  return { p50: q(0.5), p99: q(0.99), n: s.length };
}
