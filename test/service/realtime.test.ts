/**
 * `serve --realtime`: the event-loop thread under SCHED_FIFO, what it creates afterwards under the normal
 * policy, the old policy back at the end — each read back from /proc, not from what the module says. Where the
 * test process may not raise a thread (no CAP_SYS_NICE, no rtprio limit) the module must say normal and why,
 * and leave the thread as it was.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { raiseToRealtime, SCHED_FIFO, SCHED_OTHER, threadId, threadPolicy } from '../../src/service/realtime.js';

const linux = process.platform === 'linux';

/** Whether this process may set SCHED_FIFO: CAP_SYS_NICE in its effective set, or an RLIMIT_RTPRIO ≥ 10. */
function mayRaise(): boolean {
  const status = readFileSync('/proc/self/status', 'utf8');
  const capEff = BigInt('0x' + /CapEff:\s*([0-9a-f]+)/.exec(status)![1]);
  const CAP_SYS_NICE = 23n;
  if ((capEff >> CAP_SYS_NICE) & 1n) return true;
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const rt = /Max realtime priority\s+(\S+)/.exec(limits)?.[1];
  return rt === 'unlimited' || Number(rt) >= 10;
}

/** The policy a thread created now gets: a worker says its thread id, and /proc is read while it lives. */
async function newThreadPolicy(): Promise<{ policy: number; priority: number }> {
  const code = `
    const { readlinkSync } = require('node:fs');
    const { parentPort } = require('node:worker_threads');
    const link = readlinkSync('/proc/thread-self');
    parentPort.postMessage(Number(link.slice(link.lastIndexOf('/') + 1)));
    setInterval(() => {}, 1000);`;
  const w = new Worker(code, { eval: true });
  try {
    const tid = await new Promise<number>((res, rej) => {
      w.once('message', res);
      w.once('error', rej);
    });
    return threadPolicy(tid);
  } finally {
    await w.terminate();
  }
}

describe.runIf(linux)('real-time scheduling of the event-loop thread', () => {
  it('reads a thread policy from /proc as chrt reports it', () => {
    const tid = threadId();
    const p = threadPolicy(tid);
    const out = execFileSync('chrt', ['--pid', String(tid)]).toString();
    const name = /policy:\s*(SCHED_\w+)/.exec(out)![1];
    const prio = Number(/priority:\s*(\d+)/.exec(out)![1]);
    expect({ policy: p.policy, priority: p.priority }).toEqual({ policy: name === 'SCHED_FIFO' ? 1 : name === 'SCHED_OTHER' ? 0 : -1, priority: prio });
  });

  it('raises the calling thread to SCHED_FIFO where permitted, only it, and gives the old policy back', async () => {
    const tid = threadId();
    const before = threadPolicy(tid);
    expect(before.policy).toBe(SCHED_OTHER);
    const rt = raiseToRealtime(10);
    try {
      if (!mayRaise()) {
        // refused: said so, and the thread as it was
        expect(rt.state.policy).toBe('normal');
        expect(rt.state.error).toMatch(/permitted|denied/i);
        expect(threadPolicy(tid)).toEqual(before);
        return;
      }
      expect(rt.state).toEqual({ policy: 'fifo', priority: 10 });
      expect(threadPolicy(tid)).toEqual({ policy: SCHED_FIFO, priority: 10 });
      // a thread created from now on (libuv's pool, a worker) runs under the normal policy
      expect(await newThreadPolicy()).toEqual({ policy: SCHED_OTHER, priority: 0 });
    } finally {
      rt.restore();
    }
    expect(threadPolicy(tid)).toEqual(before);
  });

  it('on a refusal says normal and why, and changes nothing', () => {
    const tid = threadId();
    const before = threadPolicy(tid);
    const calls: string[][] = [];
    const rt = raiseToRealtime(10, (_file, args) => {
      calls.push([...args]);
      throw Object.assign(new Error('Command failed'), { stderr: Buffer.from('chrt: failed to set pid 4242\'s policy: Operation not permitted\n') });
    });
    expect(calls).toEqual([['--fifo', '--reset-on-fork', '--pid', '10', String(tid)]]);
    expect(rt.state.policy).toBe('normal');
    expect(rt.state.error).toContain('Operation not permitted');
    rt.restore(); // nothing to undo
    expect(calls).toHaveLength(1);
    expect(threadPolicy(tid)).toEqual(before);
  });

  it('says so when chrt is missing, or ran without effect', () => {
    const missing = raiseToRealtime(10, () => {
      throw Object.assign(new Error('spawnSync chrt ENOENT'), { code: 'ENOENT' });
    });
    expect(missing.state).toEqual({ policy: 'normal', priority: 0, error: 'chrt (util-linux) not found' });
    const noop = raiseToRealtime(10, () => {});
    expect(noop.state.policy).toBe('normal');
    expect(noop.state.error).toMatch(/under policy 0 at priority 0/);
  });

  it('refuses a priority outside 1..99', () => {
    for (const p of [0, 100, 1.5, Number.NaN]) expect(() => raiseToRealtime(p)).toThrow(RangeError);
  });
});
