/**
 * Cooperative yielding: the server runs every connection on one thread, so a command that
 * scans, sorts or matches for long must give the event loop back now and then, or every
 * other connection waits for it. A long loop asks `due()` (cheap) as it goes and, when its
 * slice is used up, awaits `pause()`: other connections' messages run, then the command's
 * deadline (maxTimeMS) is checked before it goes on.
 */
import { setImmediate } from "node:timers/promises";
import type { JournalRecord, Persistence } from "../storage/persistence.ts";
import { checkDeadline } from "./time-limit.ts";

/** The longest a command runs before letting others in (ms). */
export const SLICE_MS = 4;

export class TimeSlice {
  private started = performance.now();

  constructor(private readonly deadline?: number) {}

  /** Whether this slice is used up. */
  due(): boolean {
    return performance.now() - this.started >= SLICE_MS;
  }

  /** Lets the event loop serve others, then throws 50 MaxTimeMSExpired if the deadline has passed. */
  async pause(): Promise<void> {
    await setImmediate();
    checkDeadline(this.deadline);
    this.started = performance.now();
  }
}

/**
 * A write's pause: the journal first gets the records written so far, so that it keeps the
 * order in which writes changed memory even when other connections write in between.
 */
export async function pauseWrite(slice: TimeSlice, persistence: Persistence, log: JournalRecord[]): Promise<void> {
  await persistence.append(log.splice(0), { durable: false });
  await slice.pause();
}

/** Sorting that yields: runs of a few hundred items sorted at once, then merged pass by pass (stable). */
const RUN = 256;

export async function sortYielding<T>(items: T[], compare: (a: T, b: T) => number, slice: TimeSlice): Promise<T[]> {
  const n = items.length;
  for (let start = 0; start < n; start += RUN) {
    const run = items.slice(start, start + RUN).sort(compare);
    for (let i = 0; i < run.length; i++) items[start + i] = run[i]!;
    if (slice.due()) await slice.pause();
  }
  let source = items;
  let target: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    let out = 0;
    for (let low = 0; low < n; low += 2 * width) {
      const middle = Math.min(low + width, n);
      const high = Math.min(low + 2 * width, n);
      let left = low;
      let right = middle;
      while (left < middle || right < high) {
        target[out++] = right >= high || (left < middle && compare(source[left]!, source[right]!) <= 0) ? source[left++]! : source[right++]!;
        if ((out & 1023) === 0 && slice.due()) await slice.pause();
      }
    }
    [source, target] = [target, source];
  }
  return source;
}
