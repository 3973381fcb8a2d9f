import type { Document, Filter, FindCursor } from "mongodb";
import { z } from "zod";
import { calendarDay, dayIn, defaultTimeZone, type CalendarDay } from "../../utils/calendar.ts";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  JsonRows,
  type OutputOf,
  type RowBatches,
} from "../../engine/concept.ts";
import { insertOnce } from "../../utils/mongo-errors.ts";
import { refuseUnlessOwner } from "../../utils/ownership.ts";
import { conceptRef } from "../../engine/refs.ts";
import { empty, id, instant, longestRunMs, rangeBound, runLengthHint, timeZone } from "../../utils/schemas.ts";
import { canonicalZoneOrUndefined, timeZoneHint } from "../../utils/time-zones.ts";
import { BsonFieldReader, JsonWriter } from "../../utils/bson-json.ts";
import { OneAtATime } from "../../utils/one-at-a-time.ts";
import { rawFindBatches, type RawBatch } from "../../utils/raw-find.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";
import { applyOnce, negated, type Tally } from "./tallies.ts";

const byUser = z.object({ user: id });
/** A summary's bound: a calendar day (the sessions counted on it, as daily progress counts them), or a time. */
const summaryBound = z.union([calendarDay, rangeBound]);
/** The most sessions one page of `_getSessions` answers. */
export const maxSessionsPage = 100_000;


export const FocusStatsSchemas = {
  recordSession: action({
    input: z.object({
      focusSession: id,
      user: id,
      startTime: instant,
      endTime: instant,
      durationMs: z.number().finite().nonnegative(),
      timeZone: timeZone.optional(),
      document: id.nullable().optional(),
    }),
    output: z.object({
      recorded: z.boolean(),
      sessionCount: z.number().int().nonnegative(),
      totalFocusMs: z.number(),
    }),
    syncOnly: true,
    description:
      "Counts a completed focus session in the user's statistics, once: recording it again changes nothing. Answers the user's totals as they stand once it is counted.",
    example: {
      input: { focusSession: "session-1", user: "ada", startTime: "2026-02-18T08:00:00Z", endTime: "2026-02-18T08:25:00Z", durationMs: 1_500_000, timeZone: "Europe/London" },
    },
  }),
  removeSession: action({
    input: z.object({ focusSession: id, user: id.optional() }),
    output: empty,
    description: "Permanently deletes a reading session record and takes it out of the user's statistics.",
    example: { input: { focusSession: "session-1", user: "ada" }, after: "recordSession" },
  }),
  _viewStats: query({
    input: byUser,
    output: z.object({ focusStats: z.object({ id, user: id, focusSessionIds: z.array(id) }) }),
    description: "A high-level overview of the user's reading statistics.",
    example: { input: { user: "ada" }, after: "recordSession" },
  }),
  _getSessions: query({
    input: z.object({
      user: id,
      limit: z.number().int().positive().max(maxSessionsPage).optional(),
      before: rangeBound.optional(),
    }),
    batched: true,
    output: z.object({
      focusSession: z.object({
        _id: id,
        user: id,
        document: z.string().nullable(),
        startTime: z.date(),
        endTime: z.date().nullable(),
      }),
    }),
    description:
      "The reading sessions recorded for the user, earliest end first: every one, or those that ended before `before` (exclusive); with `limit`, only the latest `limit` of them (still earliest first). To page back through a long history, pass the first answered endTime as the next `before`.",
    example: { input: { user: "ada", limit: 20 }, after: "recordSession" },
  }),
  _getTotals: query({
    input: byUser,
    output: z.object({ user: id, totalFocusMs: z.number(), sessionCount: z.number() }),
    description: "The user's total focus time and number of sessions (zero when nothing is recorded).",
  }),
  _getDailyProgress: query({
    input: z.object({ user: id, from: calendarDay.optional(), to: calendarDay.optional() }),
    output: z.object({ day: calendarDay, focusMs: z.number(), sessions: z.number() }),
    description:
      "Focus time and sessions per calendar day (the day each session ended, in its time zone), from and to inclusive, earliest first.",
  }),
  _summary: query({
    input: z.object({ user: id, from: summaryBound.optional(), to: summaryBound.optional() }),
    // Fifty users' dashboards read in one turn: their running totals in one find (_summaryMany).
    many: true,
    output: z.object({ totalFocusMs: z.number(), sessionCount: z.number() }),
    description:
      "Total focus time and number of sessions that ended between from and to, inclusive. A bare date (2025-10-31) is a whole calendar day: " +
      "the sessions whose day (in daily progress, in the user's time zone) is on or after from, or on or before to.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof FocusStatsSchemas;
type Row<K extends keyof Schemas> = OutputOf<Schemas[K]>;

/** The concept's own copy of a completed focus session, keyed by the FocusSession id. */
interface SessionRecord {
  _id: string;
  user: string;
  document: string | null;
  startTime: Date;
  endTime: Date;
  durationMs: number;
  timeZone: string;
  /** The calendar day endTime falls on in timeZone: where the session counts in daily progress. */
  day: CalendarDay;
  /**
   * Where the session stands in the tallies:
   * - "adding": added to the totals, then to its day; fully added once its day holds its
   *   marker (a day keeps all its markers, so that marker is the durable proof);
   * - "counting", "counted": left by earlier versions, which added to both tallies at once
   *   and then marked the record counted (a "counting" record is finished their way);
   * - "uncounting": being taken out of the tallies, before the record is deleted.
   */
  tally: "adding" | "counting" | "counted" | "uncounting";
}

interface UserStats extends Tally {
  user: string;
  totalFocusMs: number;
  sessionCount: number;
}

interface DayProgress extends Tally {
  user: string;
  day: CalendarDay;
  focusMs: number;
  sessions: number;
}

/**
 * concept FocusStats [User, FocusSession]
 * purpose   track and aggregate users' reading statistics
 * principle each completed focus session is recorded once for its user; the user's totals,
 *           daily progress (per calendar day in their time zone) and summaries over a period
 *           then count it, until the session is removed again
 */
export class FocusStatsConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "FocusStats";
  static readonly schemas = FocusStatsSchemas;

  private readonly sessions = this.collection<SessionRecord>("sessions");
  private readonly stats = this.collection<UserStats>("stats");
  private readonly daily = this.collection<DayProgress>("dailyProgress");
  /** Whole-history reads of `_getSessions`, one at a time (see there). */
  private readonly wholeHistories = new OneAtATime();
  /** The finds that start whole-history reads, one at a time (see `_getSessionsBatches`). */
  private readonly historyFinds = new OneAtATime();

  protected async prepare(): Promise<void> {
    await Promise.all([
      this.sessions.createIndex({ user: 1, endTime: 1, _id: 1 }, { name: "by_user_end_time" }),
      this.stats.createIndex({ user: 1 }, { name: "one_per_user", unique: true }),
      this.daily.createIndex({ user: 1, day: 1 }, { name: "one_per_user_day", unique: true }),
    ]);
  }

  /** recordSession (focusSession, user, startTime, endTime, durationMs, timeZone?, document?): (recorded, sessionCount, totalFocusMs)
   *  requires endTime is not before startTime; durationMs >= 0, and at most the time from
   *           startTime to endTime and a day (a client's clock); timeZone is an IANA name
   *  effects  if focusSession is not recorded yet: keeps a copy of it and adds it to the user's
   *           totals and the daily progress of the day it ended; recorded tells whether this
   *           call recorded it (false: it already was, and nothing changed, except that a
   *           recording cut short by a crash is finished); sessionCount and totalFocusMs are
   *           the user's totals once it is counted */
  async recordSession(input: InputOf<Schemas["recordSession"]>): Promise<Row<"recordSession"> | ErrorOutput> {
    const zone = input.timeZone === undefined ? defaultTimeZone : canonicalZoneOrUndefined(input.timeZone);
    if (zone === undefined) return { error: `unknown time zone: timeZone ${timeZoneHint}` };
    if (input.endTime < input.startTime) return { error: "endTime is before startTime" };
    if (!(input.durationMs >= 0)) return { error: "durationMs must not be negative" };
    if (input.durationMs > longestRunMs(input.startTime, input.endTime)) return { error: `durationMs ${runLengthHint}` };
    await this.ensureIndexes();
    const record: SessionRecord = {
      _id: input.focusSession,
      user: input.user,
      document: input.document ?? null,
      startTime: input.startTime,
      endTime: input.endTime,
      durationMs: input.durationMs,
      timeZone: zone,
      day: dayIn(input.endTime, zone),
      tally: "adding",
    };
    const { inserted, stored } = await insertOnce(this.sessions, record);
    // A repeat finishes what an interrupted recording left undone, with the figures recorded
    // first, or finds it done. (Null: removed meanwhile.)
    const totals = inserted ? await this.add(record) : stored && (await this.finishAdding(stored));
    // The totals come from the write that counted the session; only a repeat that counted
    // nothing (or a session recorded for another user) reads them.
    const { sessionCount, totalFocusMs } = totals?.user === input.user ? totals : await this.totalsOf(input.user);
    return { recorded: inserted, sessionCount, totalFocusMs };
  }

  /** removeSession (focusSession, user?): ()
   *  requires focusSession is recorded (and is user's, when user is given)
   *  effects  removes the record and its id from the user's stats, and takes its time out of
   *           totals, daily progress and summaries */
  async removeSession({ focusSession, user }: InputOf<Schemas["removeSession"]>): Promise<Row<"removeSession"> | ErrorOutput> {
    await this.ensureIndexes();
    const record = await this.sessions.findOne({ _id: focusSession });
    if (record === null) return { error: "focus session not found", reason: "not_found" };
    const refusal = refuseUnlessOwner(record.user, user, "focus session");
    if (refusal) return refusal;
    // Finish a recording cut short first, so that exactly what was added is taken out.
    await this.finishAdding(record);
    await this.sessions.updateOne({ _id: focusSession }, { $set: { tally: "uncounting" } });
    // Uncount before deleting: a retry after a crash in between still finds the record.
    await this.takeOut(record);
    const { deletedCount } = await this.sessions.deleteOne({ _id: focusSession });
    if (deletedCount === 0) return { error: "focus session not found", reason: "not_found" };
    return {};
  }

  /** _viewStats (user): (focusStats)
   *  requires the user has stats (a session was recorded for them)
   *  -- the id of a user's stats is the user's own id: there is one per user */
  async _viewStats({ user }: InputOf<Schemas["_viewStats"]>): Promise<Row<"_viewStats">[] | ErrorOutput> {
    const records = await this.recordsOf(user, { _id: 1 });
    if (records === null) return noStats(user);
    return [{ focusStats: { id: user, user, focusSessionIds: records.map((record) => record._id) } }];
  }

  /** _getSessions (user, limit?, before?): (focusSession)
   *  requires the user has stats
   *  -- earliest end first; with before, only those that ended before it; with limit, the
   *  latest limit of those. Reads only the four fields it answers */
  async _getSessions(input: InputOf<Schemas["_getSessions"]>): Promise<Row<"_getSessions">[] | ErrorOutput> {
    await this.ensureIndexes();
    const read = async (): Promise<Row<"_getSessions">[] | ErrorOutput> => {
      const records = await this.history(input).toArray();
      if (records.length === 0) return this.emptyHistory(input.user);
      if (input.limit !== undefined) records.reverse();
      return records.map((record) => sessionRow(record, input.user));
    };
    // A whole history held whole, one at a time from this process: the database works through
    // a long read on one thread, so eight at once would hold every other request (a /health
    // ping waited 3.3 s behind eight 100k-record reads); queued here, others wait for one read
    // at most. An edge streams `_getSessionsBatches` instead, and holds nothing.
    return input.limit === undefined ? this.wholeHistories.run(read) : read();
  }

  /**
   * `_getSessions` in batches as they are read, for an edge that writes JSON (`batched`): the
   * same rows in the same order, written as JSON from the records' bytes (see `JsonRows`).
   */
  async _getSessionsBatches(input: InputOf<Schemas["_getSessions"]>): Promise<RowBatches<Row<"_getSessions">> | ErrorOutput> {
    await this.ensureIndexes();
    const filter = historyFilter(input);
    if (input.limit !== undefined) {
      // The latest `limit`, read newest first through the (user, endTime, _id) index, then turned.
      const latest: RawBatch[] = [];
      for await (const batch of rawFindBatches(this.sessions, { filter, sort: latestEndFirst, projection: sessionFields, limit: input.limit, batchSize: Math.min(input.limit, sessionsBatch) })) latest.push(batch);
      if (latest.every((batch) => batch.starts.length === 0)) return this.emptyHistory(input.user);
      return rowsOf(turned(latest), input.user);
    }
    const batches = rawFindBatches(this.sessions, { filter, sort: earliestEndFirst, projection: sessionFields, batchSize: sessionsBatch });
    // The first batch is read now: a user without stats answers { error } (and a passing
    // outage is retried) before any row goes out. A database that finds every record before
    // its first reply (the embedded one did, until its finds read as their batches are taken)
    // kept a /health ping waiting 260 ms behind eight of them at once, so these finds go one
    // at a time; the batches after them do not wait.
    const first = await this.historyFinds.run(() => batches.next());
    if (first.done === true || first.value.starts.length === 0) {
      await batches.return(undefined);
      return this.emptyHistory(input.user);
    }
    return sessionJsonBatches(first.value, batches, input.user);
  }

  /**
   * The user's records `_getSessions` answers, through the (user, endTime, _id) index: earliest
   * end first, or with a limit the latest ones newest first (the caller turns them).
   */
  private history({ user, limit, before }: InputOf<Schemas["_getSessions"]>): FindCursor<SessionFields> {
    const cursor = this.sessions.find(historyFilter({ user, before }), { projection: sessionFields, batchSize: sessionsBatch });
    return limit === undefined ? cursor.sort(earliestEndFirst) : cursor.sort(latestEndFirst).limit(limit);
  }

  /** What `_getSessions` answers when no record matched: no rows for a user with stats, else an error. */
  private async emptyHistory(user: string): Promise<[] | ErrorOutput> {
    return (await this.hasStats(user)) ? [] : noStats(user);
  }

  /** _getTotals (user): (user, totalFocusMs, sessionCount) -- zeros for a user with nothing recorded */
  async _getTotals({ user }: InputOf<Schemas["_getTotals"]>): Promise<Row<"_getTotals">[]> {
    await this.ensureIndexes();
    return [{ user, ...(await this.totalsOf(user)) }];
  }

  /** _getDailyProgress (user, from?, to?): (day, focusMs, sessions) -- days with sessions, earliest first */
  async _getDailyProgress({ user, from, to }: InputOf<Schemas["_getDailyProgress"]>): Promise<Row<"_getDailyProgress">[]> {
    await this.ensureIndexes();
    const filter: Filter<DayProgress> = { user, sessions: { $gt: 0 } };
    if (from !== undefined || to !== undefined) filter.day = { ...(from && { $gte: from }), ...(to && { $lte: to }) };
    const days = await this.daily.find(filter, { projection: { day: 1, focusMs: 1, sessions: 1 } }).sort({ day: 1 }).toArray();
    return days.map(({ day, focusMs, sessions }) => ({ day, focusMs, sessions }));
  }

  /** _summary (user, from?, to?): (totalFocusMs, sessionCount)
   *  -- over the sessions that ended between from and to inclusive (a bare date: the
   *  sessions counted on that day or after it, up to that day or before it), summed by the
   *  database; without from and to, the user's running totals (one read, however many sessions) */
  async _summary({ user, from, to }: InputOf<Schemas["_summary"]>): Promise<Row<"_summary">[]> {
    await this.ensureIndexes();
    if (from === undefined && to === undefined) return [await this.totalsOf(user)];
    const match: Filter<SessionRecord> = { user, ...boundsMatch(from, to) };
    const [sum] = await this.sessions
      .aggregate<Row<"_summary">>([
        { $match: match },
        { $group: { _id: null, totalFocusMs: { $sum: "$durationMs" }, sessionCount: { $sum: 1 } } },
        { $project: { _id: 0, totalFocusMs: 1, sessionCount: 1 } },
      ])
      .toArray();
    return [sum ?? { totalFocusMs: 0, sessionCount: 0 }];
  }

  /**
   * Adds the session to the totals, then to its day, one conditional write each (see
   * tallies.ts). The order matters: the day keeps every marker, so its marker, written last,
   * is the durable proof that the session was added in full. Answers the totals after the
   * change, or null when they had it already.
   */
  private async add(record: SessionRecord): Promise<UserStats | null> {
    const totals = await applyOnce(this.stats, { user: record.user }, record._id, { totalFocusMs: record.durationMs, sessionCount: 1 }, "latest");
    await applyOnce(this.daily, { user: record.user, day: record.day }, record._id, { focusMs: record.durationMs, sessions: 1 }, "every");
    return totals;
  }

  /** Finishes adding a session whose recording may have been cut short; null when nothing was left to add. */
  private async finishAdding(record: SessionRecord): Promise<UserStats | null> {
    if (record.tally === "adding") {
      // Its day holds its marker once the totals have it: added in full, however long ago
      // (by now the totals may have forgotten their marker). Otherwise the totals' marker,
      // if there, keeps the repeat from counting them twice.
      const day = await this.daily.findOne({ user: record.user, day: record.day, recent: record._id }, { projection: { _id: 1 } });
      return day === null ? this.add(record) : null;
    }
    if (record.tally === "counting") {
      // Cut short by an earlier version, which added to both tallies at once and then marked
      // the record: both markers guard the repeat, and the mark ends it, as it would have.
      const totals = await this.add(record);
      await this.sessions.updateOne({ _id: record._id, tally: "counting" }, { $set: { tally: "counted" } });
      return totals;
    }
    return null;
  }

  /** Takes the session back out of its tallies; the caller then deletes it. */
  private async takeOut(record: SessionRecord): Promise<void> {
    const marker = removalMarker(record._id);
    await Promise.all([
      applyOnce(this.stats, { user: record.user }, marker, negated({ totalFocusMs: record.durationMs, sessionCount: 1 }), "latest"),
      applyOnce(this.daily, { user: record.user, day: record.day }, marker, negated({ focusMs: record.durationMs, sessions: 1 }), "every"),
    ]);
  }

  /** _summary of many inputs at once, in order (the engine asks one turn's reads together):
   *  the running totals of every user asked without bounds in one read, the others each as
   *  `_summary` answers them */
  async _summaryMany(inputs: readonly InputOf<Schemas["_summary"]>[]): Promise<Row<"_summary">[][]> {
    await this.ensureIndexes();
    const unbounded = (input: InputOf<Schemas["_summary"]>) => input.from === undefined && input.to === undefined;
    const users = [...new Set(inputs.filter(unbounded).map((input) => input.user))];
    const totals = new Map<string, Row<"_summary">>();
    if (users.length > 0) {
      const found = await this.stats.find({ user: { $in: users } }, { projection: { user: 1, totalFocusMs: 1, sessionCount: 1 } }).toArray();
      for (const { user, totalFocusMs, sessionCount } of found) totals.set(user, { totalFocusMs, sessionCount });
    }
    return Promise.all(inputs.map(async (input) => (unbounded(input) ? [totals.get(input.user) ?? { totalFocusMs: 0, sessionCount: 0 }] : this._summary(input))));
  }

  /** The user's totals, zeros when nothing was ever recorded for them. */
  private async totalsOf(user: string): Promise<{ totalFocusMs: number; sessionCount: number }> {
    const stats = await this.stats.findOne({ user }, { projection: { totalFocusMs: 1, sessionCount: 1 } });
    return { totalFocusMs: stats?.totalFocusMs ?? 0, sessionCount: stats?.sessionCount ?? 0 };
  }

  /**
   * The user's records, earliest end first, in one reply (no getMore for any real history);
   * null when the user has no stats. A user with records has stats, so only a user without
   * any (never recorded, or every session removed) costs a second read.
   */
  private async recordsOf(user: string, projection: Document): Promise<SessionRecord[] | null> {
    await this.ensureIndexes();
    const records = await this.sessions.find({ user }, { projection, batchSize: oneReply }).sort({ endTime: 1, _id: 1 }).toArray();
    if (records.length > 0) return records;
    return (await this.hasStats(user)) ? records : null;
  }

  /** Whether anything was ever recorded for the user (the stats outlive their sessions). */
  private async hasStats(user: string): Promise<boolean> {
    return (await this.stats.findOne({ user }, { projection: { _id: 1 } })) !== null;
  }
}

/** What `_getSessions` reads of a record: what it answers (user is the one asked for). */
const sessionFields = { _id: 1, document: 1, startTime: 1, endTime: 1 } as const;
type SessionFields = Pick<SessionRecord, "_id" | "document" | "startTime" | "endTime">;

function sessionRow({ _id, document, startTime, endTime }: SessionFields, user: string): Row<"_getSessions"> {
  return { focusSession: { _id, user, document: document ?? null, startTime, endTime: endTime ?? null } };
}

/** The records of `_getSessions`: the user's, those that ended before `before` if given. */
function historyFilter({ user, before }: { user: string; before?: Date | undefined }): Filter<SessionRecord> {
  return before === undefined ? { user } : { user, endTime: { $lt: before } };
}

const earliestEndFirst = { endTime: 1, _id: 1 } as const;
const latestEndFirst = { endTime: -1, _id: -1 } as const;

/** `sessionRow`s of the records of `batches` as JSON, written from their bytes: the bytes `JSON.stringify` gives of the rows, joined by commas. */
function rowsJson(batches: readonly RawBatch[], user: string): JsonRows {
  const userJson = Buffer.from(JSON.stringify(user));
  let index = 0;
  for (const { bytes, starts } of batches) for (const start of starts) writeSessionRow(bytes, start, index++, userJson);
  return new JsonRows(rowsWriter.take(), index);
}

/** Writes the row of the record at `start` of `bytes`, the `index`th of its batch. */
function writeSessionRow(bytes: Uint8Array, start: number, index: number, userJson: Buffer): void {
  const writer = rowsWriter;
  const fields = sessionFieldReader.read(bytes, start);
  writer.bytes(index === 0 ? rowJson.open : rowJson.between);
  writer.field(fields, 0);
  writer.bytes(rowJson.user);
  writer.bytes(userJson);
  writer.bytes(rowJson.document);
  writer.field(fields, 1);
  writer.bytes(rowJson.startTime);
  writer.field(fields, 2);
  writer.bytes(rowJson.endTime);
  writer.field(fields, 3);
  writer.bytes(rowJson.close);
}

/** Finds a record's answered fields, in `sessionRow`'s order. */
const sessionFieldReader = new BsonFieldReader(["_id", "document", "startTime", "endTime"]);

/** Writes every batch, one at a time (a batch is written in one go): its buffer grows once. */
const rowsWriter = new JsonWriter();

/** The JSON around a row's values, in `sessionRow`'s order. */
const rowJson = {
  open: Buffer.from('{"focusSession":{"_id":'),
  between: Buffer.from(',{"focusSession":{"_id":'),
  user: Buffer.from(',"user":'),
  document: Buffer.from(',"document":'),
  startTime: Buffer.from(',"startTime":'),
  endTime: Buffer.from(',"endTime":'),
  close: Buffer.from("}}"),
};

/** Rows per slice a stream answers: a few milliseconds of work between two turns of the event loop. */
const rowsPerBatch = 1_000;

/** The rows of a user's records as JSON, a batch as the database sent it: `first`, then the rest of `batches` (closed when done or abandoned). */
async function* sessionJsonBatches(first: RawBatch, batches: AsyncGenerator<RawBatch>, user: string): AsyncGenerator<JsonRows> {
  try {
    for (const slice of sliced(first)) yield rowsJson([slice], user);
    for await (const batch of batches) for (const slice of sliced(batch)) yield rowsJson([slice], user);
  } finally {
    await batches.return(undefined);
  }
}

/**
 * A reply's records in slices of `rowsPerBatch`: the database answers 5,000 per reply (a
 * hundred getMores per 100k-record read cost both sides a tenth more than twenty), the edge
 * writes a thousand per turn. A streamed slice stays within its reply, so that it goes out
 * without waiting for the next; a page read whole is sliced across replies (`turned`).
 */
function* sliced({ bytes, starts }: RawBatch): Generator<RawBatch> {
  for (let from = 0; from < starts.length; from += rowsPerBatch) yield { bytes, starts: starts.slice(from, from + rowsPerBatch) };
}
/** Records already read, as JSON one slice at a time when asked for. */
function* rowsOf(slices: Iterable<RawBatch[]>, user: string): Generator<JsonRows> {
  for (const slice of slices) yield rowsJson(slice, user);
}

/**
 * The records of batches read newest first, turned earliest first, in slices of `rowsPerBatch`
 * (the last one shorter) whatever the replies' sizes: a page of 100k is written a thousand
 * rows per turn, not in one. A slice may span replies.
 */
function* turned(newestFirst: readonly RawBatch[]): Generator<RawBatch[]> {
  let slice: RawBatch[] = [];
  let size = 0;
  for (const { bytes, starts } of [...newestFirst].reverse()) {
    const earliestFirst = [...starts].reverse();
    for (let from = 0; from < earliestFirst.length; ) {
      const taken = earliestFirst.slice(from, from + rowsPerBatch - size);
      slice.push({ bytes, starts: taken });
      size += taken.length;
      from += taken.length;
      if (size === rowsPerBatch) {
        yield slice;
        slice = [];
        size = 0;
      }
    }
  }
  if (size > 0) yield slice;
}

/**
 * A long read of `_getSessions` (a whole history, or `limit` up to 100k) is read in replies of
 * this many records, so other requests are served between them instead of waiting for one
 * 14 MB reply (which the array form's driver would also parse in one piece).
 */
const sessionsBatch = 5_000;

/** A batch size no user's history reaches, so a find answers in its first reply (the 16 MB reply limit still applies). */
const oneReply = 100_000;

/** The marker of a session's removal, distinct from the marker of its recording. */
function removalMarker(session: string): string {
  return `removed:${session}`;
}

function noStats(user: string): ErrorOutput {
  return { error: `no focus stats for user ${user}`, reason: "not_found" };
}

export const FocusStats = conceptRef(FocusStatsConcept);

/** Every zone's offset lies within this much of UTC (Kiritimati +14, Baker Island -12): a day's sessions ended within it of that UTC day. */
const widestOffsetMs = 15 * 60 * 60 * 1000;

/**
 * The `$match` of a summary's bounds. A time bounds `endTime`; a bare date bounds the day a
 * session counts on (its `day`, the one daily progress and the streak count it on), so a
 * summary of days agrees with daily progress in every zone. A day bound also bounds
 * `endTime` loosely (within the widest zone offset), so the `{ user, endTime, _id }` index
 * still narrows the range.
 */
function boundsMatch(from: Date | CalendarDay | undefined, to: Date | CalendarDay | undefined): Filter<SessionRecord> {
  const endTime: { $gte?: Date; $lte?: Date } = {};
  const day: { $gte?: CalendarDay; $lte?: CalendarDay } = {};
  if (typeof from === "string") {
    day.$gte = from;
    endTime.$gte = new Date(Date.parse(`${from}T00:00:00Z`) - widestOffsetMs);
  } else if (from !== undefined) endTime.$gte = from;
  if (typeof to === "string") {
    day.$lte = to;
    endTime.$lte = new Date(Date.parse(`${to}T23:59:59.999Z`) + widestOffsetMs);
  } else if (to !== undefined) endTime.$lte = to;
  return { endTime, ...(Object.keys(day).length > 0 && { day }) };
}
