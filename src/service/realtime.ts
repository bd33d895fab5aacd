/**
 * Real-time scheduling for the service's event-loop thread (`serve --realtime [priority]`).
 *
 * Everything a warning waits for runs on one thread, the event loop: the datagram in, tracker, predictions,
 * alert policy, journal, the WebSocket send. On a small machine that thread shares the CPUs with V8's
 * garbage-collection and compiler helpers, libuv's file threads and whatever else runs there. At normal
 * priority Linux may keep it waiting for one of those for a whole scheduler tick (4 ms) while it is ready to
 * run. Measured in the service bench at 1,000 tracks on 2 cores: the slowest alerts had waited 2–8 ms on the
 * run queue (/proc/thread-self/schedstat). SCHED_FIFO puts the thread ahead of every normal thread; it sleeps
 * in epoll whenever it has nothing to do, so it does not starve them, and the kernel's RT throttling
 * (sched_rt_runtime_us) caps it anyway. Only this thread is raised: `--reset-on-fork` gives every thread it
 * creates later (libuv's pool, worker threads) the normal policy back.
 *
 * Node has no binding for sched_setscheduler(2), so this runs util-linux's `chrt` on the thread's id once,
 * at start, and reads the policy back from /proc. It needs CAP_SYS_NICE or an RLIMIT_RTPRIO ≥ the priority
 * (systemd: `AmbientCapabilities=CAP_SYS_NICE`, or `LimitRTPRIO=`); without it the service runs on at
 * normal priority and says why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';

/** The policy of a thread as /proc reads it: SCHED_OTHER 0, SCHED_FIFO 1, SCHED_RR 2, SCHED_BATCH 3, … */
export interface ThreadPolicy {
  policy: number;
  /** rt_priority: 1–99 under FIFO/RR, 0 otherwise */
  priority: number;
}

export interface RealtimeState {
  /** what the thread runs under now */
  policy: 'fifo' | 'normal';
  priority: number;
  /** why it is not real-time, when it was asked to be */
  error?: string;
}

/** A SCHED_FIFO priority Linux takes: an integer in 1..99. */
export function isRtPriority(p: number): boolean {
  return Number.isInteger(p) && p >= 1 && p <= 99;
}

export const SCHED_OTHER = 0;
export const SCHED_FIFO = 1;
/** How chrt is run (a parameter so tests can stand in for a machine without the privilege). */
export type Runner = (file: string, args: readonly string[]) => void;

const runChrt: Runner = (file, args) => {
  execFileSync(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5000 });
};

/** The calling thread's id (Linux: /proc/thread-self → "<pid>/task/<tid>"). */
export function threadId(): number {
  const link = readlinkSync('/proc/thread-self');
  const tid = Number(link.slice(link.lastIndexOf('/') + 1));
  if (!Number.isInteger(tid) || tid <= 0) throw new Error(`cannot read the thread id from /proc/thread-self (${link})`);
  return tid;
}

/** A thread's policy and RT priority, from fields 40–41 of /proc/<tid>/stat. */
export function threadPolicy(tid: number): ThreadPolicy {
  const stat = readFileSync(`/proc/${tid}/stat`, 'utf8');
  // the command name (field 2) is in parentheses and may hold spaces: count the fields after its ')'
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3]
  return { priority: Number(f[37]), policy: Number(f[38]) };
}

const errorText = (e: unknown): string => {
  const err = e as { stderr?: Buffer | string; code?: string; message?: string };
  const stderr = err.stderr?.toString().trim();
  if (err.code === 'ENOENT') return 'chrt (util-linux) not found';
  return stderr || err.message || String(e);
};

/**
 * Puts the calling thread under SCHED_FIFO at `priority` (1–99), the threads it creates from now on under the
 * normal policy. Never throws: on failure (no privilege, no chrt, not Linux) the state says normal and why.
 * `restore()` gives the thread the normal policy back (a service stopping inside a longer-lived process).
 */
export function raiseToRealtime(priority: number, run: Runner = runChrt): { state: RealtimeState; restore: () => void } {
  if (!isRtPriority(priority)) {
    throw new RangeError(`real-time priority must be an integer in 1..99, got ${priority}`);
  }
  const normal = (error: string): { state: RealtimeState; restore: () => void } => ({ state: { policy: 'normal', priority: 0, error }, restore: () => {} });
  if (process.platform !== 'linux') return normal(`real-time scheduling is implemented for Linux only (this is ${process.platform})`);
  let tid: number;
  let before: ThreadPolicy;
  try {
    tid = threadId();
    before = threadPolicy(tid);
  } catch (e) {
    return normal(errorText(e));
  }
  try {
    run('chrt', ['--fifo', '--reset-on-fork', '--pid', String(priority), String(tid)]);
  } catch (e) {
    return normal(errorText(e));
  }
  const now = threadPolicy(tid);
  if (now.policy !== SCHED_FIFO || now.priority !== priority) {
    return normal(`chrt ran but the thread is under policy ${now.policy} at priority ${now.priority}`);
  }
  let restored = false;
  return {
    state: { policy: 'fifo', priority },
    restore: () => {
      if (restored) return;
      restored = true;
      // back to what the thread came with
      const flag = POLICY_FLAG[before.policy] ?? '--other';
      const prio = before.policy === SCHED_FIFO || before.policy === SCHED_RR ? before.priority : 0;
      run('chrt', [flag, '--pid', String(prio), String(tid)]);
    },
  };
}

const SCHED_RR = 2;
/** chrt's option for each policy number of /proc (SCHED_OTHER, FIFO, RR, BATCH, IDLE) */
const POLICY_FLAG: Record<number, string> = { 0: '--other', 1: '--fifo', 2: '--rr', 3: '--batch', 5: '--idle' };
