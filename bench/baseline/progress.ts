/**
 * What a completed session earns, as pure functions: the calendar day it counts on, the
 * streak after that day, and the badges the user's figures newly reach. The badges are the
 * project's defaults (plain data: ids, names, criteria), so both sides award the same ones;
 * the rules that award them are the baseline's own.
 */
import { defaultBadges, type Criteria } from "../../src/concepts/Badge/defaults.ts";

export interface Badge {
  id: string;
  name: string;
  description: string;
  criteria: Criteria;
}

export interface Figures {
  completedSessions: number;
  totalFocusMs: number;
  currentStreak: number;
}

export interface Streak {
  current: number;
  longest: number;
  /** "YYYY-MM-DD" in the user's time zone. */
  lastActiveDay: string;
}

const dayMs = 24 * 60 * 60 * 1000;

/** By name, the order in which the project awards several at once. */
export const badges: readonly Badge[] = defaultBadges.map(({ _id, ...badge }) => ({ id: _id, ...badge })).sort((a, b) => (a.name < b.name ? -1 : 1));

/** The badges not in `held` whose every criterion the figures reach. */
export function newlyEarned(figures: Figures, held: readonly string[]): Badge[] {
  return badges.filter(
    (badge) => !held.includes(badge.id) && Object.entries(badge.criteria).every(([metric, threshold]) => threshold === undefined || figures[metric as keyof Figures] >= threshold),
  );
}

/**
 * The streak once `day` is active: the same day (or an earlier one) changes nothing and
 * answers the same object; the next day adds 1; a longer gap starts again at 1.
 */
export function nextStreak(streak: Streak | undefined, day: string): Streak {
  if (streak === undefined) return { current: 1, longest: 1, lastActiveDay: day };
  const gap = (Date.parse(day) - Date.parse(streak.lastActiveDay)) / dayMs;
  if (gap <= 0) return streak;
  const current = gap === 1 ? streak.current + 1 : 1;
  return { current, longest: Math.max(streak.longest, current), lastActiveDay: day };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day ("YYYY-MM-DD") `at` falls on in `timeZone`. */
export function dayIn(at: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(timeZone, format);
  }
  return format.format(at);
}
