import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it, inject } from "vitest";
import { useTestDatabase, type AnyDocument } from "./support/database.ts";

/**
 * Long scans share the server: while one connection runs a scan of 100,000 documents with a
 * costly filter, another connection's pings keep being answered within a few milliseconds.
 * The bounds leave room for a loaded machine (the whole suite runs in parallel on two cores):
 * a scan that held the thread would answer one ping after it ends, hundreds of ms late.
 */
describe("long commands yield to other connections", () => {
  const t = useTestDatabase();
  let other: MongoClient;
  const regexes = Array.from({ length: 100 }, (_, i) => new RegExp(`^q${i}x[0-9]+z$`));

  beforeAll(async () => {
    other = await MongoClient.connect(inject("mongoUri"));
    const c = t.db.collection<AnyDocument>("big");
    for (let i = 0; i < 100_000; i += 25_000) {
      await c.insertMany(Array.from({ length: 25_000 }, (_, j) => ({ _id: i + j, n: (i + j) % 997, s: `k${i + j}`, pad: "p".repeat(40) })));
    }
    await c.createIndex({ n: 1 });
  }, 120_000);

  afterAll(async () => {
    await other.close();
  });

  /** Pings from the other connection every few ms while `work` runs: their times (ms), sorted, and how long `work` took. */
  async function pingsDuring<T>(work: Promise<T>): Promise<{ result: T; times: number[]; took: number }> {
    const begun = performance.now();
    let done = false;
    const times: number[] = [];
    const pinging = (async () => {
      while (!done) {
        const started = performance.now();
        await other.db("admin").command({ ping: 1 });
        times.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    try {
      const result = await work;
      return { result, times, took: performance.now() - begun };
    } finally {
      done = true;
      await pinging;
      times.sort((a, b) => a - b);
    }
  }

  /**
   * Pings kept being answered while the command ran: most within 50 ms, and none held for
   * most of the command (a scan that held the thread answers one ping, after it ends).
   */
  function expectServed(times: number[], took: number): void {
    expect(times.length).toBeGreaterThan(5);
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(50);
    expect(times[times.length - 1]).toBeLessThan(took / 2);
  }

  it("pings are answered while a scan matches 100 regexes against each of 100,000 documents", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const { result, times, took } = await pingsDuring(c.find({ s: { $in: regexes } }).toArray());
    expect(result).toEqual([]);
    expect(took).toBeGreaterThan(300); // long enough that a held thread would show
    expectServed(times, took);
  }, 60_000);

  it("pings are answered while a sort of 100,000 documents on an unindexed field runs", async () => {
    const c = t.db.collection<AnyDocument>("big");
    // A small answer: reading a big one would keep this test's own thread (the pings' client) busy.
    const { result, times, took } = await pingsDuring(c.find({}, { projection: { _id: 1 } }).sort({ s: -1, _id: 1 }).limit(3).toArray());
    expect(result.map((doc) => doc._id)).toEqual([99_999, 99_998, 99_997]);
    expectServed(times, took);
  }, 60_000);

  it("pings are answered while an aggregation computes a field for each of 100,000 documents and matches on it", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const pipeline = [{ $addFields: { twice: { $multiply: ["$n", 2] }, label: { $concat: ["$s", "-", "$pad"] } } }, { $match: { twice: { $lt: 4 } } }, { $project: { _id: 1 } }];
    const { result, times, took } = await pingsDuring(c.aggregate(pipeline).toArray());
    expect(result).toHaveLength(Array.from({ length: 100_000 }, (_, i) => i % 997).filter((n) => n < 2).length);
    expectServed(times, took);
  }, 60_000);

  it("pings are answered while distinct and dbStats walk 100,000 documents", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const { result, times, took } = await pingsDuring((async () => [await c.distinct("s"), await t.db.stats()] as const)());
    expect(result[0]).toHaveLength(100_000);
    expect(result[1].objects).toBe(100_000);
    expectServed(times, took);
  }, 60_000);

  it("pings are answered while one insert command stores 50,000 documents", async () => {
    const c = t.db.collection<AnyDocument>("inserted");
    await c.createIndex({ n: 1 });
    const docs = Array.from({ length: 50_000 }, (_, i) => ({ _id: i, n: i % 101, s: `v${i}` }));
    const { result, times, took } = await pingsDuring(c.insertMany(docs));
    expect(result.insertedCount).toBe(50_000);
    expect(await c.countDocuments({ n: 7 })).toBe(docs.filter((doc) => doc.n === 7).length);
    expectServed(times, took);
  }, 60_000);

  it("a long scan still stops at its maxTimeMS with 50 MaxTimeMSExpired", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const { result, took } = await pingsDuring(c.find({ s: { $in: regexes } }).maxTimeMS(100).toArray().catch((error: unknown) => error));
    expect(result).toMatchObject({ code: 50, codeName: "MaxTimeMSExpired" });
    expect(took).toBeLessThan(2_000);
  }, 60_000);

  it("writes during a paused index walk: every document there throughout is read once, in order", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const reading = c.find({}, { projection: { n: 1 } }).sort({ n: 1 }).toArray(); // walks the index on n
    // Another connection inserts into and deletes from the same index while the walk pauses
    // (hundreds at a time, so its chunks split and shift under the walk).
    const extra = other.db(t.db.databaseName).collection<AnyDocument>("big");
    for (let round = 0; round < 10; round++) {
      const ids = Array.from({ length: 600 }, (_, i) => 200_000 + round * 1000 + i);
      await extra.insertMany(ids.map((_id, i) => ({ _id, n: (round * 97 + i) % 997, s: "new" })));
      await extra.deleteMany({ _id: { $in: ids.filter((id) => id % 2 === 0) } });
    }
    const docs = await reading;
    const ids = docs.map((doc) => doc._id as number).filter((id) => id < 200_000);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
    const ns = docs.map((doc) => doc.n as number);
    expect(ns.every((n, i) => i === 0 || ns[i - 1]! <= n)).toBe(true);
    await c.deleteMany({ _id: { $gte: 200_000 } });
  }, 60_000);

  it("an updateMany whose scan yields applies only to documents that still match when it writes", async () => {
    const c = t.db.collection<AnyDocument>("big");
    const updating = c.updateMany({ s: { $in: [...regexes, /^k[0-9]*7$/] } }, { $set: { seven: true } });
    // Meanwhile another connection takes some of them out of the match, and deletes others.
    const extra = other.db(t.db.databaseName).collection<AnyDocument>("big");
    await extra.updateMany({ _id: { $in: [7, 17, 27] } }, { $set: { s: "changed" } });
    await extra.deleteMany({ _id: { $in: [37, 47] } });
    const result = await updating;
    expect(result.matchedCount).toBe(await c.countDocuments({ seven: true }));
    expect(await c.countDocuments({ seven: true, s: { $not: /7$/ } })).toBe(0);
    expect(await c.countDocuments({ seven: true })).toBe(10_000 - 5);
  }, 60_000);
});
