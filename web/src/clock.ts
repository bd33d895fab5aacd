/**
 * The data clock the display counts down against. Events carry data time (UTC s), which in a replay runs
 * faster than the wall clock: countdowns use the service's clock (t at receipt, speed, paused), extrapolated
 * with the browser's monotonic clock — never Date.now().
 */
import type { ClockMode, ClockState } from './types.js';

export class DataClock {
  private baseT = NaN;
  private baseWall = 0;
  speed = 1;
  paused = false;
  mode: ClockMode = 'wall';

  constructor(private readonly wall: () => number = () => performance.now() / 1000) {}

  /** A clock state read at this moment (a `clock` message, /api/state, or the static player). */
  set(s: Partial<ClockState> & { t: number }): void {
    this.baseT = s.t;
    this.baseWall = this.wall();
    if (s.speed !== undefined) this.speed = s.speed;
    if (s.paused !== undefined) this.paused = s.paused;
    if (s.mode !== undefined) this.mode = s.mode;
  }

  /** Data time t was seen in an event: before any clock state, the clock starts from it; never goes back. */
  observe(t: number): void {
    if (!(t <= this.now())) this.set({ t });
  }

  /** UTC s (data time) now; NaN before anything was seen */
  now(): number {
    if (this.paused) return this.baseT;
    return this.baseT + (this.wall() - this.baseWall) * this.speed;
  }

  state(): ClockState {
    return { t: this.now(), speed: this.speed, paused: this.paused, mode: this.mode };
  }
}
