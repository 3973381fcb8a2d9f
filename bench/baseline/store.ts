/**
 * The baseline's data, as one would lay it out by hand:
 *
 * - `sessions`: one document per study session, in the seed's own terms; a unique partial
 *   index on `userId` over running sessions is what makes a second running session
 *   impossible, whatever the concurrency (the database refuses the insert);
 * - `userStats`: one document per user with the running totals, the streak and the badges
 *   earned, so that a completion reads and bumps them in one command;
 * - `dailyProgress`: one document per user and calendar day, keyed by both.
 *
 * A completion updates the session, then the totals and the day's progress (together), then,
 * only when they change, the streak and the badges in one write guarded against a concurrent
 * completion of the same user (re-read and redone when it lost).
 */
import { randomUUID } from "node:crypto";
import type { Collection, Db, Filter } from "mongodb";
import { dayIn, newlyEarned, nextStreak, type Badge, type Streak } from "./progress.ts";

export const statuses = ["in_progress", "completed", "abandoned", "cancelled"] as const;
export type Status = (typeof statuses)[number];

export interface SessionDoc {
  _id: string;
  userId: string;
  subject: string;
  status: Status;
  startTimestamp: Date;
  endStudyTimestamp: Date | null;
  targetDurationMillis: number | null;
  sessionLength: number | null;
  notes: string | null;
  createdAt: Date;
  updatedAt: Date;
}

interface UserStatsDoc {
  /** The user. */
  _id: string;
  totalFocusMs: number;
  sessionCount: number;
  streak?: Streak;
  badges: { id: string; earnedAt: Date }[];
}

interface DayDoc {
  _id: { userId: string; day: string };
  focusMs: number;
  sessions: number;
}

export interface Completion {
  newBadges: Badge[];
  badgeCount: number;
  badgeCheckFailed?: true;
}

export interface ListFilter {
  userId: string;
  status?: Status | undefined;
  subject?: string | undefined;
  endedAfter?: Date | undefined;
  endedBefore?: Date | undefined;
}

/** Seed 004 carries no time zone, so (as in the project) every user's days are UTC days. */
const userTimeZone = "UTC";
/** The list's order: newest end first, running sessions (no end) last. */
const newestEndFirst = { endStudyTimestamp: -1, startTimestamp: -1, _id: -1 } as const;
export const maxListLimit = 1000;

export class Store {
  private readonly sessions: Collection<SessionDoc>;
  private readonly userStats: Collection<UserStatsDoc>;
  private readonly dailyProgress: Collection<DayDoc>;

  constructor(db: Db) {
    this.sessions = db.collection("sessions");
    this.userStats = db.collection("userStats");
    this.dailyProgress = db.collection("dailyProgress");
  }

  async createIndexes(): Promise<void> {
    await this.sessions.createIndexes([
      { key: { userId: 1 }, name: "one_running_session_per_user", unique: true, partialFilterExpression: { status: "in_progress" } },
      { key: { userId: 1, ...newestEndFirst }, name: "by_user_newest_end" },
      { key: { userId: 1, status: 1, ...newestEndFirst }, name: "by_user_status_newest_end" },
    ]);
  }

  /** The new session, or null when the user already has a running one. */
  async start(fields: Pick<SessionDoc, "userId" | "subject" | "targetDurationMillis" | "notes"> & { startTimestamp?: Date | undefined }): Promise<SessionDoc | null> {
    const now = new Date();
    const session: SessionDoc = {
      _id: randomUUID(),
      ...fields,
      status: "in_progress",
      startTimestamp: fields.startTimestamp ?? now,
      endStudyTimestamp: null,
      sessionLength: null,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.sessions.insertOne(session);
      return session;
    } catch (error) {
      if (isDuplicateKey(error)) return null;
      throw error;
    }
  }

  find(sessionId: string): Promise<SessionDoc | null> {
    return this.sessions.findOne({ _id: sessionId });
  }

  async setNotes(sessionId: string, notes: string | null): Promise<SessionDoc | null> {
    return this.sessions.findOneAndUpdate({ _id: sessionId }, { $set: { notes, updatedAt: new Date() } }, { returnDocument: "after" });
  }

  /** Ends a running session; null when a concurrent request ended it first. */
  async end(session: SessionDoc, change: Pick<SessionDoc, "status" | "endStudyTimestamp" | "sessionLength"> & { notes?: string | null }): Promise<SessionDoc | null> {
    const set = { ...change, updatedAt: new Date() };
    const { matchedCount } = await this.sessions.updateOne({ _id: session._id, status: "in_progress" }, { $set: set });
    return matchedCount === 1 ? { ...session, ...set } : null;
  }

  /** Counts a session just completed in its user's totals, daily progress, streak and badges. */
  async recordCompletion({ userId, endStudyTimestamp, sessionLength }: SessionDoc): Promise<Completion> {
    const focusMs = sessionLength ?? 0;
    const day = dayIn(endStudyTimestamp ?? new Date(), userTimeZone);
    const [stats] = await Promise.all([
      retryOnDuplicate(() =>
        this.userStats.findOneAndUpdate(
          { _id: userId },
          { $inc: { totalFocusMs: focusMs, sessionCount: 1 }, $setOnInsert: { badges: [] } },
          { upsert: true, returnDocument: "after" },
        ),
      ),
      retryOnDuplicate(() => this.dailyProgress.updateOne({ _id: { userId, day } }, { $inc: { focusMs, sessions: 1 } }, { upsert: true })),
    ]);
    if (stats === null) throw new Error(`userStats upsert for ${userId} returned nothing`);
    try {
      return await this.recordDay(stats, day);
    } catch (error) {
      console.error("badge evaluation failed", error);
      return { newBadges: [], badgeCount: stats.badges.length, badgeCheckFailed: true };
    }
  }

  /** The streak after `day` and the badges the figures now reach, written only if either changes. */
  private async recordDay(stats: UserStatsDoc, day: string): Promise<Completion> {
    for (;;) {
      const streak = nextStreak(stats.streak, day);
      const held = stats.badges.map((badge) => badge.id);
      const earned = newlyEarned({ completedSessions: stats.sessionCount, totalFocusMs: stats.totalFocusMs, currentStreak: streak.current }, held);
      if (streak === stats.streak && earned.length === 0) return { newBadges: [], badgeCount: held.length };
      const earnedAt = new Date();
      // Guarded by what was read: a concurrent completion that moved the streak or awarded one of these makes this match nothing.
      const { matchedCount } = await this.userStats.updateOne(
        { _id: stats._id, "streak.lastActiveDay": stats.streak?.lastActiveDay ?? null, "badges.id": { $nin: earned.map((badge) => badge.id) } },
        { $set: { streak }, $push: { badges: { $each: earned.map((badge) => ({ id: badge.id, earnedAt })) } } },
      );
      if (matchedCount === 1) return { newBadges: earned, badgeCount: held.length + earned.length };
      const current = await this.userStats.findOne({ _id: stats._id });
      if (current === null) throw new Error(`userStats of ${stats._id} vanished`);
      stats = current;
    }
  }

  list(filter: ListFilter, limit: number): Promise<SessionDoc[]> {
    return this.sessions.find(sessionFilter(filter)).sort(newestEndFirst).limit(limit).toArray();
  }

  /** Completed sessions (the default) without bounds come from the running totals: one read. */
  async summary(filter: ListFilter & { status: Status }): Promise<{ totalTimeStudied: number; timesStudied: number }> {
    if (filter.status === "completed" && filter.endedAfter === undefined && filter.endedBefore === undefined) {
      const stats = await this.userStats.findOne({ _id: filter.userId }, { projection: { totalFocusMs: 1, sessionCount: 1 } });
      return { totalTimeStudied: stats?.totalFocusMs ?? 0, timesStudied: stats?.sessionCount ?? 0 };
    }
    const [sum] = await this.sessions
      .aggregate<{ totalTimeStudied: number; timesStudied: number }>([
        { $match: sessionFilter(filter) },
        { $group: { _id: null, totalTimeStudied: { $sum: "$sessionLength" }, timesStudied: { $sum: 1 } } },
        { $project: { _id: 0, totalTimeStudied: 1, timesStudied: 1 } },
      ])
      .toArray();
    return { totalTimeStudied: sum?.totalTimeStudied ?? 0, timesStudied: sum?.timesStudied ?? 0 };
  }

  /** The user's completed sessions' ids, earliest end first; ids are small, so all come in the first batch (no getMore round trips). */
  async completedSessionIds(userId: string): Promise<string[]> {
    const found = await this.sessions
      .find({ userId, status: "completed" }, { projection: { _id: 1 }, batchSize: 100_000 })
      .sort({ endStudyTimestamp: 1, _id: 1 })
      .toArray();
    return found.map((session) => session._id);
  }
}

function sessionFilter({ userId, status, subject, endedAfter, endedBefore }: ListFilter): Filter<SessionDoc> {
  const filter: Filter<SessionDoc> = { userId };
  if (status !== undefined) filter.status = status;
  if (subject !== undefined) filter.subject = subject;
  if (endedAfter !== undefined || endedBefore !== undefined) {
    filter.endStudyTimestamp = { ...(endedAfter && { $gte: endedAfter }), ...(endedBefore && { $lte: endedBefore }) };
  }
  return filter;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Two first upserts of the same key at once: one may lose with a duplicate key; once the document exists, again is safe. */
async function retryOnDuplicate<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return write();
  }
}
