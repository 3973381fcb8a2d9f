/**
 * The badges every deployment starts with. Their ids are fixed so that seeding them from
 * several processes, or again after a restart, always describes the same badges.
 */
export interface Criteria {
  /** At least this many completed sessions. */
  completedSessions?: number;
  /** At least this much focus time in all, in milliseconds. */
  totalFocusMs?: number;
  /** A current streak of at least this many days. */
  currentStreak?: number;
}

export interface BadgeDefinition {
  _id: string;
  name: string;
  description: string;
  criteria: Criteria;
}

const hour = 60 * 60 * 1000;

export const defaultBadges: readonly BadgeDefinition[] = [
  { _id: "first-study", name: "First Study", description: "Completed your first session", criteria: { completedSessions: 1 } },
  { _id: "ten-sessions", name: "Ten Sessions", description: "Completed 10 sessions", criteria: { completedSessions: 10 } },
  { _id: "fifty-sessions", name: "Fifty Sessions", description: "Completed 50 sessions", criteria: { completedSessions: 50 } },
  { _id: "ten-hours", name: "Ten Hours", description: "Focused for 10 hours in all", criteria: { totalFocusMs: 10 * hour } },
  { _id: "hundred-hours", name: "Hundred Hours", description: "Focused for 100 hours in all", criteria: { totalFocusMs: 100 * hour } },
  { _id: "three-day-streak", name: "Three-Day Streak", description: "Studied 3 days in a row", criteria: { currentStreak: 3 } },
  { _id: "week-streak", name: "Week Streak", description: "Studied 7 days in a row", criteria: { currentStreak: 7 } },
];
