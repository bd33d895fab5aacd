/**
 * The alarm tones, synthesised with Web Audio (no sound files): a rising-and-falling two-tone for a zone that
 * starts sounding, a short double beep for an early warning, one low tone for an all-clear. Off until the user
 * turns it on (browsers allow audio only after a gesture); the choice is remembered in localStorage.
 */
const KEY = 'tocsin.sound';

export class Alarm {
  private ctx: AudioContext | undefined;
  enabled: boolean;

  constructor() {
    let stored: string | null = null;
    try {
      stored = localStorage.getItem(KEY);
    } catch {
      // storage may be unavailable (privacy mode): sound stays off
    }
    this.enabled = stored === 'on';
  }

  /** Called from the toggle's click (a user gesture: the audio context may start). */
  setEnabled(on: boolean): void {
    this.enabled = on;
    try {
      localStorage.setItem(KEY, on ? 'on' : 'off');
    } catch {
      // not remembered
    }
    if (on) {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
      this.tone(880, 0, 0.12, 0.15);
    }
  }

  private tone(freq: number, at: number, dur: number, gain = 0.2, endFreq?: number): void {
    const ctx = this.ctx;
    if (!ctx) return;
    const t0 = ctx.currentTime + at;
    const osc = ctx.createOscillator();
    const g = ctx.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(freq, t0);
    if (endFreq !== undefined) osc.frequency.linearRampToValueAtTime(endFreq, t0 + dur);
    g.gain.setValueAtTime(0, t0);
    g.gain.linearRampToValueAtTime(gain, t0 + 0.02);
    g.gain.setValueAtTime(gain, t0 + dur - 0.03);
    g.gain.linearRampToValueAtTime(0, t0 + dur);
    osc.connect(g).connect(ctx.destination);
    osc.start(t0);
    osc.stop(t0 + dur + 0.01);
  }

  siren(): void {
    if (!this.enabled || !this.ctx) return;
    for (let i = 0; i < 3; i++) {
      this.tone(600, i * 1.2, 0.6, 0.2, 1100);
      this.tone(1100, i * 1.2 + 0.6, 0.6, 0.2, 600);
    }
  }

  early(): void {
    if (!this.enabled || !this.ctx) return;
    this.tone(740, 0, 0.15);
    this.tone(740, 0.25, 0.15);
  }

  clear(): void {
    if (!this.enabled || !this.ctx) return;
    this.tone(440, 0, 0.5, 0.15);
  }
}
