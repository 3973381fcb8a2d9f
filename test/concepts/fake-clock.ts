/** A clock tests move by hand, to travel through minutes, days and time zones. */
import { isErrorOutput, type Clock, type ErrorOutput } from "../../src/engine/concept.ts";

export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;

export class FakeClock implements Clock {
  private current: number;

  constructor(start: string | Date = "2026-02-18T08:00:00Z") {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.current += ms;
  }

  set(at: string | Date): void {
    this.current = new Date(at).getTime();
  }
}

/** Asserts an action succeeded and narrows its output for the next step of a story. */
export function ok<T>(output: T): Exclude<T, ErrorOutput> {
  if (isErrorOutput(output)) throw new Error(`expected success, got error: ${output.error}`);
  return output as Exclude<T, ErrorOutput>;
}
