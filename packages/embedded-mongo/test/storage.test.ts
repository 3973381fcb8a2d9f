import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ChunkedSortedList } from "../src/storage/chunked-sorted-list.ts";
import { Collection } from "../src/storage/collection.ts";
import type { JournalRecord } from "../src/storage/persistence.ts";
import { Store } from "../src/storage/store.ts";

function collectionOf(count: number): Collection {
  const collection = new Collection("db.c");
  for (let i = 0; i < count; i++) collection.insert({ _id: i, a: i % 100, b: `s${i}`, tags: [i % 7, 100 + (i % 3)] }, []);
  return collection;
}

const visited = (collection: Collection, filter: Record<string, unknown>) => [...collection.candidates(filter)].length;

describe("storage: indexes spare scans", () => {
  it("an _id lookup visits only that document", () => {
    const collection = collectionOf(10_000);
    expect(visited(collection, { _id: 1234 })).toBe(1);
    expect(visited(collection, { _id: { $in: [1, 2, 3] } })).toBe(3);
  });

  it("without an index a query visits every document", () => {
    expect(visited(collectionOf(1_000), { a: 5 })).toBe(1_000);
  });

  it("equality, $in and range conditions on an indexed field visit only the matching documents", () => {
    const collection = collectionOf(10_000);
    collection.createIndex({ v: 2, key: { a: 1 }, name: "a_1" }, []);
    expect(visited(collection, { a: 5 })).toBe(100);
    expect(visited(collection, { a: { $in: [5, 6] } })).toBe(200);
    expect(visited(collection, { a: { $gte: 10, $lt: 12 } })).toBe(200);
    expect(visited(collection, { a: { $gt: 97 } })).toBe(200);
    expect(visited(collection, { $and: [{ b: "s1" }, { a: 1 }] })).toBe(100);
  });

  it("the first field of a compound index serves the query", () => {
    const collection = collectionOf(1_000);
    collection.createIndex({ v: 2, key: { b: 1, a: 1 }, name: "b_1_a_1" }, []);
    expect(visited(collection, { b: "s10", a: 10 })).toBe(1);
  });

  it("a multikey index finds documents by array element without duplicates", () => {
    const collection = collectionOf(700);
    collection.createIndex({ v: 2, key: { tags: 1 }, name: "tags_1" }, []);
    expect(visited(collection, { tags: 3 })).toBe(100);
    expect(visited(collection, { tags: { $in: [3, 101] } })).toBe(100 + 233 - 33); // i % 7 === 3 or i % 3 === 1, counted once
  });

  it("a partial index is not used for queries (they may match documents it leaves out)", () => {
    const collection = collectionOf(100);
    collection.createIndex({ v: 2, key: { a: 1 }, name: "a_1", partialFilterExpression: { a: { $gt: 50 } } }, []);
    expect(visited(collection, { a: 5 })).toBe(100);
  });

  it("indexes follow updates and deletes", () => {
    const collection = collectionOf(100);
    collection.createIndex({ v: 2, key: { a: 1 }, name: "a_1" }, []);
    const doc = collection.byId(5)!;
    collection.replace(doc, { ...doc, a: 1000 }, []);
    collection.remove(collection.byId(6)!, []);
    expect([...collection.candidates({ a: 1000 })].map((d) => d._id)).toEqual([5]);
    expect([...collection.candidates({ a: 6 })]).toEqual([]);
  });
});

describe("storage: journal records", () => {
  it("replaying a store's records rebuilds the same collections, documents and indexes", () => {
    const log: JournalRecord[] = [];
    const store = new Store();
    const users = store.ensureCollection("app", "users", log);
    users.createIndex({ v: 2, key: { email: 1 }, name: "email_1", unique: true }, log);
    users.insert({ _id: 1, email: "a" }, log);
    users.insert({ _id: 2, email: "b" }, log);
    users.replace(users.byId(1)!, { _id: 1, email: "c" }, log);
    users.remove(users.byId(2)!, log);
    store.ensureCollection("app", "gone", log);
    store.dropCollection("app", "gone", log);

    const replayed = new Store();
    for (const record of log) replayed.applyRecord(record);
    const fromSnapshot = new Store();
    for (const record of store.snapshotRecords()) fromSnapshot.applyRecord(record);

    for (const copy of [replayed, fromSnapshot]) {
      expect(copy.collectionNames("app")).toEqual(["users"]);
      const collection = copy.collection("app", "users")!;
      expect([...collection.all()]).toEqual([{ _id: 1, email: "c" }]);
      expect(collection.indexSpecs().map((s) => s.name)).toEqual(["_id_", "email_1"]);
    }
  });

  it("records are idempotent: replaying them twice gives the same state", () => {
    const log: JournalRecord[] = [];
    const store = new Store();
    const c = store.ensureCollection("app", "c", log);
    c.insert({ _id: 1, n: 1 }, log);
    c.replace(c.byId(1)!, { _id: 1, n: 2 }, log);
    const twice = new Store();
    for (const record of [...log, ...log]) twice.applyRecord(record);
    expect([...twice.collection("app", "c")!.all()]).toEqual([{ _id: 1, n: 2 }]);
  });
});

describe("storage: the chunked sorted list under indexes", () => {
  it("stays sorted and finds what a sorted array would, through random inserts and removals", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 300 })), { maxLength: 3000 }), (operations) => {
        const list = new ChunkedSortedList<number>((a, b) => a - b);
        const reference: number[] = [];
        for (const [insert, value] of operations) {
          if (insert) {
            list.insert(value);
            reference.push(value);
          } else {
            const at = reference.indexOf(value);
            expect(list.remove(value)).toBe(at >= 0);
            if (at >= 0) reference.splice(at, 1);
          }
        }
        reference.sort((a, b) => a - b);
        expect([...list.from({ chunk: 0, offset: 0 })]).toEqual(reference);
        expect(list.size).toBe(reference.length);
        expect([...list.from(list.lowerBound((x) => x >= 150))]).toEqual(reference.filter((x) => x >= 150));
      }),
      { numRuns: 50 },
    );
  });
});

describe("storage: sorts served by an index", () => {
  it("reads documents in index order, forwards or backwards, only when the filter has no index", () => {
    const collection = collectionOf(1_000);
    collection.createIndex({ v: 2, key: { b: 1 }, name: "b_1" }, []);
    const first = (sort: Record<string, unknown>, filter = {}) => {
      const ordered = collection.inSortOrder(filter, sort);
      return ordered && [...ordered.docs].slice(0, 2).map((d) => d.b);
    };
    expect(first({ b: 1 })).toEqual(["s0", "s1"]);
    expect(first({ b: -1 })).toEqual(["s999", "s998"]);
    expect(first({ a: 1 })).toBeUndefined();
    expect(first({ b: 1 }, { _id: 3 })).toBeUndefined();
  });
});
