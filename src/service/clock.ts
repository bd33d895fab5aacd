/**
 * The service's clocks (UTC seconds, float). The engine never reads a clock: the live service asks one for
 * "now" and hands the engine plots and `until` times, as the simulator does with its simulated time.
 *
 * - WallClock: the machine's clock (live radars).
 * - FollowClock: the wall clock, moved forward to follow data that runs ahead of it, never back — for a sensor
 *   emulator playing faster than real time into a live service (`tocsin replay --speed 4`). How far it may be
 *   pulled ahead is bounded (`maxLead`): a radar with a wrong clock cannot drag the service days ahead.
 * - ScaledClock: simulated time running `speed` times faster than the wall clock from a start instant, with
 *   pause (the in-process replay of `serve --replay`, whose display has pause and speed controls).
 */

export interface Clock {
  /** UTC seconds */
  now(): number;
}

/** The wall clock in UTC seconds. */
export function wallSeconds(): number {
  return Date.now() / 1000;
}

export class WallClock implements Clock {
  now(): number {
    return wallSeconds();
  }
}

export class FollowClock implements Clock {
  private offset = 0;

  /** maxLead: the furthest (s) data may pull this clock ahead of the wall clock */
  constructor(
    readonly maxLead: number,
    private readonly wall: () => number = wallSeconds,
  ) {}

  now(): number {
    return this.wall() + this.offset;
  }

  /** Data time t was seen: the clock moves forward to it (within maxLead of the wall clock), never back. */
  observe(t: number): void {
    const lead = Math.min(t - this.wall(), this.maxLead);
    if (lead > this.offset) this.offset = lead;
  }

  /** seconds this clock is ahead of the wall clock */
  get lead(): number {
    return this.offset;
  }
}

export class ScaledClock implements Clock {
  private baseData: number;
  private baseWall: number;
  private rate: number;
  private stopped = false;

  constructor(
    start: number,
    speed = 1,
    private readonly wall: () => number = wallSeconds,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
    this.baseData = start;
    this.baseWall = wall();
    this.rate = speed;
  }

  now(): number {
    return this.stopped ? this.baseData : this.baseData + (this.wall() - this.baseWall) * this.rate;
  }

  get speed(): number {
    return this.rate;
  }

  get paused(): boolean {
    return this.stopped;
  }

  /** Re-anchors at the current instant so time stays continuous. */
  private rebase(): void {
    this.baseData = this.now();
    this.baseWall = this.wall();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`clock speed must be a positive number, got ${speed}`);
    this.rebase();
    this.rate = speed;
  }

  pause(): void {
    if (this.stopped) return;
    this.rebase();
    this.stopped = true;
  }

  resume(): void {
    if (!this.stopped) return;
    this.baseWall = this.wall();
    this.stopped = false;
  }

  /** Jumps to data time t (a replay starting over). */
  set(t: number): void {
    this.baseData = t;
    this.baseWall = this.wall();
  }
}
