/**
 * A user's active days, kept as runs of consecutive days (`{ from, to }`, both inclusive):
 * the set of active days in a form that stays small (one run per gap, not one entry per
 * day) and from which a streak is read directly. Pure functions; Streak stores the runs.
 */
import { addDays, daysBetween, type CalendarDay } from "../../utils/calendar.ts";

export interface Run {
  from: CalendarDay;
  to: CalendarDay;
}

/** How many of the latest runs a streak keeps: more than a year of days with a gap after each. */
export const keptRuns = 400;

/**
 * The runs with `day` active too: sorted, with no two runs touching (a day that closes a
 * gap joins the runs on both sides), the latest `keptRuns` of them.
 */
export function withDay(runs: readonly Run[], day: CalendarDay): Run[] {
  const sorted = [...runs, { from: day, to: day }].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: Run[] = [];
  for (const run of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && run.from <= addDays(last.to, 1)) {
      if (run.to > last.to) last.to = run.to;
    } else {
      merged.push({ ...run });
    }
  }
  return merged.slice(-keptRuns);
}

/** Days in a run. */
export function lengthOf(run: Run): number {
  return daysBetween(run.from, run.to) + 1;
}

/** The longest run's length (0 without runs). */
export function longestOf(runs: readonly Run[]): number {
  return runs.reduce((longest, run) => Math.max(longest, lengthOf(run)), 0);
}

/**
 * The runs a streak written before runs were kept stands for: its current run, ending on
 * its last active day (the earlier runs are gone; its `longest` still remembers the longest).
 */
export function runsOfCounts(lastActiveDay: CalendarDay, current: number): Run[] {
  return [{ from: addDays(lastActiveDay, 1 - Math.max(current, 1)), to: lastActiveDay }];
}
