/**
 * The clock and the replay controls: play/pause, speed, and a timeline with the alerts, impacts and
 * intercepts marked on it (scrubbable in static mode). Hidden when the service runs live (nothing to control).
 */
import type { DataClock } from './clock.js';
import { clockText, dateText, el, setText } from './format.js';
import type { Playback, TimelineMark } from './playback.js';

export class ReplayControls {
  private readonly play: HTMLButtonElement;
  private readonly speedBox: HTMLElement;
  private readonly speedButtons = new Map<number, HTMLButtonElement>();
  private readonly range: HTMLInputElement;
  private readonly timeLabel: HTMLElement;
  private readonly marksBox: HTMLElement;
  private readonly note: HTMLElement;
  private marksCount = -1;
  private marksSpan = '';
  private dragging = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly clock: DataClock,
    private readonly playback: Playback,
  ) {
    this.play = el('button', { type: 'button', class: 'play', 'data-testid': 'play-pause', 'aria-keyshortcuts': 'Space' }, 'Play');
    this.play.addEventListener('click', () => this.togglePlay());
    this.speedBox = el('div', { class: 'speeds', role: 'group', 'aria-label': 'Speed' });
    playback.speeds.forEach((s, i) => {
      const b = el('button', { type: 'button', 'data-testid': `speed-${s}`, 'aria-pressed': 'false', 'aria-keyshortcuts': String(i + 1) }, `${s}×`);
      b.addEventListener('click', () => void playback.setSpeed(s));
      this.speedButtons.set(s, b);
      this.speedBox.append(b);
    });
    this.range = el('input', { type: 'range', min: '0', max: '1', step: '0.1', value: '0', 'data-testid': 'timeline', 'aria-label': 'Timeline (data time)' });
    this.range.disabled = !playback.seekable;
    this.range.addEventListener('input', () => {
      const r = playback.range();
      if (r) playback.seek(r.start + Number(this.range.value));
    });
    this.range.addEventListener('pointerdown', () => (this.dragging = true));
    window.addEventListener('pointerup', () => (this.dragging = false));
    this.timeLabel = el('span', { class: 'tl-time', 'data-testid': 'timeline-time' });
    this.marksBox = el('div', { class: 'marks', 'aria-hidden': 'true' });
    this.note = el('span', { class: 'note', role: 'status' });
    const track = el('div', { class: 'tl-track' }, this.marksBox, this.range);
    root.replaceChildren(this.play, this.speedBox, track, this.timeLabel, this.note);
  }

  togglePlay(): void {
    if (!this.playback.controllable()) return;
    void this.playback.setPaused(!this.clock.paused);
  }

  setSpeedIndex(i: number): void {
    const s = this.playback.speeds[i];
    if (s !== undefined && this.playback.controllable()) void this.playback.setSpeed(s);
  }

  /** Moves the static timeline by dt seconds (arrow keys). */
  step(dt: number): void {
    if (!this.playback.seekable) return;
    this.playback.seek(this.clock.now() + dt);
  }

  update(): void {
    const show = this.playback.kind === 'static' || this.clock.mode === 'replay';
    if (this.root.hidden === show) this.root.hidden = !show;
    if (!show) return;
    const ctl = this.playback.controllable();
    this.play.disabled = !ctl;
    setText(this.play, this.clock.paused ? 'Play' : 'Pause');
    this.play.setAttribute('aria-label', this.clock.paused ? 'Play' : 'Pause');
    for (const [s, b] of this.speedButtons) {
      b.disabled = !ctl;
      const on = String(Math.abs(this.clock.speed - s) < 1e-9);
      if (b.getAttribute('aria-pressed') !== on) b.setAttribute('aria-pressed', on);
    }
    const r = this.playback.range();
    const now = this.clock.now();
    if (r) {
      const span = String(Math.round((r.end - r.start) * 10) / 10);
      if (this.range.max !== span) this.range.max = span;
      if (!this.dragging && document.activeElement !== this.range) this.range.value = String(Math.max(0, Math.min(r.end, now) - r.start));
      this.range.setAttribute('aria-valuetext', clockText(now));
      this.drawMarks(r);
    }
    setText(this.timeLabel, `${clockText(now, true)}${r ? ` / ${clockText(r.end)}` : ''}`);
    const err = (this.playback as { controlError?: string }).controlError ?? '';
    setText(this.note, err);
  }

  private drawMarks(r: { start: number; end: number }): void {
    const marks = this.playback.marks();
    const spanKey = `${r.start}|${Math.round(r.end)}`;
    if (marks.length === this.marksCount && spanKey === this.marksSpan) return;
    this.marksCount = marks.length;
    this.marksSpan = spanKey;
    const w = r.end - r.start;
    const seen = new Set<string>();
    const nodes: HTMLElement[] = [];
    for (const m of marks as TimelineMark[]) {
      const x = ((m.t - r.start) / w) * 100;
      const key = `${m.kind}|${x.toFixed(1)}`;
      if (x < 0 || x > 100 || seen.has(key)) continue;
      seen.add(key);
      const d = el('span', { class: `mark ${m.kind}`, title: `${m.kind} ${clockText(m.t)}` });
      d.style.left = `${x}%`;
      nodes.push(d);
    }
    this.marksBox.replaceChildren(...nodes);
  }
}

/** The header's clock: data time, date and the mode ("live", "replay 4×", "paused"). */
export function updateClock(clock: DataClock, time: HTMLElement, date: HTMLElement, mode: HTMLElement): void {
  const now = clock.now();
  setText(time, clockText(now));
  setText(date, dateText(now));
  const m =
    clock.mode === 'static'
      ? `run ${clock.paused ? 'paused' : `${clock.speed}×`}`
      : clock.mode === 'replay'
        ? `replay ${clock.paused ? 'paused' : `${clock.speed}×`}`
        : clock.mode === 'follow'
          ? 'live (following the sensor feed)'
          : 'live';
  setText(mode, m);
  mode.dataset.mode = clock.mode;
  mode.dataset.paused = String(clock.paused);
}
