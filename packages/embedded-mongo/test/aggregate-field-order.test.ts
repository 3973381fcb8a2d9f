import { describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

/**
 * Aggregation answers with mongod's field order. A backend's JSON carries it to its frontend,
 * and a course backend's popular-routes query (`$group`, then `$project` renaming `_id` and
 * computing an average) answered `{ avgRating, count, routeId, _id }` where mongod answers
 * `{ _id, count, routeId, avgRating }`.
 */
describe("aggregation field order", () => {
  const t = useTestDatabase();
  let n = 0;
  const fresh = () => t.db.collection<{ _id: number; [field: string]: unknown }>(`order${(n += 1)}`);
  const keys = (docs: object[]) => docs.map((doc) => Object.keys(doc));

  it("an inclusion $project writes kept fields in their input order (_id first), then computed ones in the spec's order", async () => {
    const c = fresh();
    await c.insertMany([
      { _id: 1, route: "r1", kind: "done", rating: null },
      { _id: 2, route: "r1", kind: "rated", rating: 5 },
    ]);
    const popular = await c
      .aggregate([
        { $group: { _id: "$route", count: { $sum: { $cond: [{ $eq: ["$kind", "done"] }, 1, 0] } }, ratings: { $push: "$rating" } } },
        { $project: { routeId: "$_id", count: 1, avgRating: { $avg: { $filter: { input: "$ratings", cond: { $ne: ["$$this", null] } } } } } },
      ])
      .toArray();
    expect(popular).toEqual([{ _id: "r1", count: 1, routeId: "r1", avgRating: 5 }]);
    expect(keys(popular)).toEqual([["_id", "count", "routeId", "avgRating"]]);
  });

  it("kept fields follow the document, not the spec; _id: 0 leaves it out", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1, b: 2, a: 1, c: 3 });
    expect(keys(await c.aggregate([{ $project: { a: 1, b: 1 } }]).toArray())).toEqual([["_id", "b", "a"]]);
    expect(keys(await c.aggregate([{ $project: { sum: { $add: ["$a", "$c"] }, _id: 0, c: 1, b: 1 } }]).toArray())).toEqual([["b", "c", "sum"]]);
  });

  it("an exclusion $project keeps the document's order, and $bucket writes _id first", async () => {
    const c = fresh();
    await c.insertMany([{ _id: 1, b: 2, a: 1 }, { _id: 2, b: 7, a: 4 }]);
    expect(keys(await c.aggregate([{ $project: { a: 0 } }]).toArray())).toEqual([["_id", "b"], ["_id", "b"]]);
    const buckets = await c.aggregate([{ $bucket: { groupBy: "$b", boundaries: [0, 5, 10] } }]).toArray();
    expect(buckets).toEqual([{ _id: 0, count: 1 }, { _id: 5, count: 1 }]);
    expect(keys(buckets)).toEqual([["_id", "count"], ["_id", "count"]]);
  });

  it("a find's projection with computed fields orders them as $project does", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1, b: 2, a: 1, c: 3 });
    const found = await c.find({}, { projection: { sum: { $add: ["$a", "$c"] }, c: 1, b: 1 } }).toArray();
    expect(found).toEqual([{ _id: 1, b: 2, c: 3, sum: 4 }]);
    expect(keys(found)).toEqual([["_id", "b", "c", "sum"]]);
  });
});
