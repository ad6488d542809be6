/** Clocks for tests: a recording sleep that never waits, and a virtual-time scheduler. */
import type { LimiterClock } from "../../../provider/cloudflare";

/** A `sleep` that records what it was asked to wait and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; waits: number[] } {
  const waits: number[] = [];
  return {
    waits,
    sleep: (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
  };
}

/** Sequential use only: every sleep moves time forward at once. */
export class SteppingClock implements LimiterClock {
  t = 0;
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += Math.max(0, ms);
    return Promise.resolve();
  }
}

/**
 * Virtual time for concurrent use: sleeps are timers; `run` fires them in time order, letting all pending
 * promise work settle between two timers, until `until` settles.
 */
export class VirtualClock implements LimiterClock {
  t = 0;
  private timers: { at: number; seq: number; resolve: () => void }[] = [];
  private seq = 0;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.timers.push({ at: this.t + Math.max(0, ms), seq: this.seq++, resolve });
    });
  }

  async run<T>(until: Promise<T>): Promise<T> {
    let settled = false;
    const watched = until.finally(() => {
      settled = true;
    });
    const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
    for (;;) {
      await flush();
      if (settled) return watched;
      if (this.timers.length === 0) throw new Error("virtual clock: nothing scheduled and the work has not finished");
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
  }
}

/** The largest number of events inside any window of `windowMs` (events sorted ascending). */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    max = Math.max(max, end - start + 1);
  }
  return max;
}
