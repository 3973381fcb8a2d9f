/**
 * A filter that pins an index's leading fields and a sort on its next fields are served by
 * walking the index in order: a limit stops the walk, so a user's latest document among
 * 50,000 costs what it does among 10, and the answers equal a sort of every match.
 */
import { Double, Long } from "bson";
import type { Filter } from "mongodb";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

interface Row {
  _id: number;
  user: string;
  status: string;
  endedAt: Date | null;
  startedAt: Date;
}

const newestFirst = { endedAt: -1, startedAt: -1, _id: -1 } as const;

function bySort(a: Row, b: Row): number {
  const time = (value: Date | null) => (value === null ? -Infinity : value.getTime());
  return time(b.endedAt) - time(a.endedAt) || b.startedAt.getTime() - a.startedAt.getTime() || b._id - a._id;
}

describe("sorted prefix scans", () => {
  const t = useTestDatabase();

  it("answer what sorting every match would, for equality prefixes in both directions, with skip, limit and other conditions", async () => {
    const rows = t.db.collection<Row>("prefix_rows");
    await rows.createIndex({ user: 1, endedAt: -1, startedAt: -1, _id: -1 });
    await rows.createIndex({ user: 1, status: 1, endedAt: -1, startedAt: -1, _id: -1 });
    const all: Row[] = [];
    for (let i = 0; i < 600; i++) {
      const ended = i % 7 === 0 ? null : new Date(Date.UTC(2026, 0, 1) + (i % 50) * 3_600_000);
      all.push({ _id: i, user: `u${i % 3}`, status: ["completed", "abandoned", "active"][i % 4 === 0 ? 2 : i % 2]!, endedAt: ended, startedAt: new Date(Date.UTC(2025, 11, 1) + (i % 13) * 60_000) });
    }
    await rows.insertMany(all);
    for (const filter of [{ user: "u1" }, { user: "u2", status: "completed" }, { user: "u0", status: { $ne: "active" } }, { user: "nobody" }]) {
      const matching = all.filter((row) => row.user === filter.user && ("status" in filter ? (typeof filter.status === "string" ? row.status === filter.status : row.status !== "active") : true));
      for (const [skip, limit] of [[0, 0], [0, 1], [3, 5], [190, 20]] as const) {
        const expected = [...matching].sort(bySort).slice(skip, limit === 0 ? undefined : skip + limit).map((row) => row._id);
        const found = await rows.find(filter).sort(newestFirst).skip(skip).limit(limit).toArray();
        expect(found.map((row) => row._id)).toEqual(expected);
        const ascending = await rows.find(filter).sort({ endedAt: 1, startedAt: 1, _id: 1 }).skip(skip).limit(limit).toArray();
        expect(ascending.map((row) => row._id)).toEqual([...matching].sort((a, b) => bySort(b, a)).slice(skip, limit === 0 ? undefined : skip + limit).map((row) => row._id));
      }
    }
  });

  it("finds what a covering index walk reads as its batches are taken: later batches see the documents as they are then", async () => {
    const rows = t.db.collection<{ _id: number; user: string; at: number; note?: string }>("prefix_as_read");
    await rows.createIndex({ user: 1, at: 1 });
    await rows.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, user: i % 2 === 0 ? "even" : "odd", at: i })));
    const cursor = rows.find({ user: "even" }).sort({ at: 1 }).batchSize(2);
    expect((await cursor.next())?._id).toBe(0);
    expect(cursor.bufferedCount()).toBe(1);
    // After the first batch (the next one is gathered ahead, and one more document found):
    // one further on changes, one leaves the filter, one is deleted, one joins at the end.
    // Every match found before the first reply would have answered them as they were.
    await rows.updateOne({ _id: 12 }, { $set: { note: "changed" } });
    await rows.updateOne({ _id: 14 }, { $set: { user: "odd" } });
    await rows.deleteOne({ _id: 16 });
    await rows.insertOne({ _id: 30, user: "even", at: 30 });
    const rest = await cursor.toArray();
    expect(rest.map((row) => row._id)).toEqual([2, 4, 6, 8, 10, 12, 18, 30]);
    expect(rest[5]).toMatchObject({ _id: 12, note: "changed" });
    // With skip and limit, the cursor closes once the limit is given.
    const windowed = await t.db.command({ find: "prefix_as_read", filter: { user: "odd" }, sort: { at: 1 }, skip: 1, limit: 3, batchSize: 2 }, { promoteLongs: false });
    expect(windowed.cursor.firstBatch.map((row: { _id: number }) => row._id)).toEqual([3, 5]);
    const last = await t.db.command({ getMore: windowed.cursor.id, collection: "prefix_as_read", batchSize: 5 }, { promoteLongs: false });
    expect(last.cursor.nextBatch.map((row: { _id: number }) => row._id)).toEqual([7]);
    expect(Number(last.cursor.id)).toBe(0);
  });

  it("tests each document the walk meets unless the prefix is string equalities alone: numbers, arrays and other operators keep the filter's own rules", async () => {
    const rows = t.db.collection<{ _id: number; key?: unknown; at: number }>("prefix_exact");
    await rows.createIndex({ key: 1, at: 1 });
    await rows.insertMany([
      { _id: 1, key: 1, at: 1 },
      { _id: 2, key: new Double(1), at: 2 },
      { _id: 3, key: Long.fromNumber(1), at: 3 },
      { _id: 4, key: "1", at: 4 },
      { _id: 5, key: "a", at: 5 },
      { _id: 6, key: ["a", "b"], at: 6 },
      { _id: 7, key: ["b"], at: 7 },
      { _id: 8, at: 8 },
      { _id: 9, key: null, at: 9 },
    ]);
    const ids = async (filter: Filter<{ _id: number; key?: unknown; at: number }>) => (await rows.find(filter).sort({ at: 1 }).toArray()).map((row) => row._id);
    expect(await ids({ key: 1 })).toEqual([1, 2, 3]);
    expect(await ids({ key: "1" })).toEqual([4]);
    expect(await ids({ key: "a" })).toEqual([5, 6]);
    expect(await ids({ key: { $eq: "a" } })).toEqual([5, 6]);
    expect(await ids({ key: { $eq: "a", $ne: "a" } })).toEqual([]);
    expect(await ids({ key: { $eq: "a", $size: 2 } })).toEqual([6]);
    expect(await ids({ key: { $in: ["b"] } })).toEqual([6, 7]);
    expect(await ids({ $and: [{ key: "a" }, { key: { $type: "array" } }] })).toEqual([6]);
    // A string prefix on an index no array went into needs no test per document: the answers are the same.
    const plain = t.db.collection<{ _id: number; user: string; at: number }>("prefix_exact_plain");
    await plain.createIndex({ user: 1, at: 1 });
    await plain.insertMany(Array.from({ length: 300 }, (_, i) => ({ _id: i, user: ["u", "U", "u ", "v"][i % 4]!, at: 300 - i })));
    const found = (await plain.find({ user: "u" }).sort({ at: 1 }).toArray()).map((row) => row._id);
    expect(found).toEqual(Array.from({ length: 75 }, (_, i) => 296 - 4 * i));
  });

  it("takes a user's latest of 50,000 about as long as of 10 (the walk stops at the limit)", async () => {
    const rows = t.db.collection<Row>("prefix_big");
    await rows.createIndex({ user: 1, endedAt: -1, startedAt: -1, _id: -1 });
    const docs: Row[] = [];
    for (let i = 0; i < 50_010; i++) {
      docs.push({ _id: i, user: i < 50_000 ? "heavy" : "light", status: "completed", endedAt: new Date(1_700_000_000_000 + i * 1000), startedAt: new Date(1_700_000_000_000 + i * 1000 - 60_000) });
    }
    for (let i = 0; i < docs.length; i += 10_000) await rows.insertMany(docs.slice(i, i + 10_000));
    const timeOf = async (user: string) => {
      let best = Infinity;
      for (let round = 0; round < 5; round++) {
        const started = performance.now();
        const [latest] = await rows.find({ user }).sort(newestFirst).limit(1).toArray();
        best = Math.min(best, performance.now() - started);
        expect(latest?._id).toBe(user === "heavy" ? 49_999 : 50_009);
      }
      return best;
    };
    const light = await timeOf("light");
    const heavy = await timeOf("heavy");
    // Sorting all 50,000 took ~100x the light user's time; walking the index stops after one.
    expect(heavy).toBeLessThan(Math.max(20, light * 5));
  }, 60_000);
});
