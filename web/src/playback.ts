/** What the replay controls drive: the static player (static-source.ts) or the service's replay (live-source.ts). */
export interface TimelineMark {
  t: number;
  kind: 'siren' | 'early' | 'clear' | 'impact' | 'intercept' | 'incident';
}

export interface Playback {
  readonly kind: 'static' | 'live';
  /** whether pause and speed can be set now (live: only when the service replays) */
  controllable(): boolean;
  /** whether the timeline can be scrubbed */
  readonly seekable: boolean;
  readonly speeds: readonly number[];
  setPaused(paused: boolean): Promise<void> | void;
  setSpeed(speed: number): Promise<void> | void;
  seek(t: number): void;
  /** the span the timeline shows (UTC s) */
  range(): { start: number; end: number } | undefined;
  marks(): readonly TimelineMark[];
  /** the incident report's markdown */
  report(incidentId: string): Promise<string>;
  /** called once a frame, before the store is flushed (the static player releases the events due) */
  tick(): void;
}
