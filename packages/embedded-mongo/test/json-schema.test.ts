/** `$jsonSchema`, as a query operator and as a collection's validator, with mongod's draft-4 keywords and `bsonType`. */
import { Long, type Document } from "mongodb";
import { beforeAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "./support/database.ts";

type Person = { _id: number; name?: unknown; age?: unknown; tags?: unknown; extra?: unknown };

describe("$jsonSchema", () => {
  const t = useTestDatabase();
  const people = () => t.db.collection<Person>("people");
  const ids = async (schema: Document) => (await people().find({ $jsonSchema: schema }, { sort: { _id: 1 } }).toArray()).map((p) => p._id);

  beforeAll(async () => {
    await people().insertMany([
      { _id: 1, name: "Ada", age: 36, tags: ["math"] },
      { _id: 2, name: "Al", age: Long.fromNumber(41), tags: ["a", "a"] },
      { _id: 3, name: 7, age: 200 },
      { _id: 4, name: "Grace", extra: true },
    ]);
  });

  it("selects by bsonType, required, bounds, lengths, patterns and enums", async () => {
    expect(await ids({ required: ["name", "age"] })).toEqual([1, 2, 3]);
    expect(await ids({ properties: { name: { bsonType: "string" } } })).toEqual([1, 2, 4]);
    expect(await ids({ properties: { age: { bsonType: "long" } } })).toEqual([2, 4]);
    expect(await ids({ properties: { age: { bsonType: "number", maximum: 100 } } })).toEqual([1, 2, 4]);
    expect(await ids({ properties: { name: { minLength: 3, pattern: "^[A-Z]" } } })).toEqual([1, 3, 4]);
    expect(await ids({ properties: { name: { enum: ["Ada", "Grace"] } }, required: ["name"] })).toEqual([1, 4]);
  });

  it("arrays, additionalProperties and combinators", async () => {
    expect(await ids({ properties: { tags: { bsonType: "array", uniqueItems: true, items: { bsonType: "string" } } } })).toEqual([1, 3, 4]);
    expect(await ids({ additionalProperties: false, properties: { _id: {}, name: {}, age: {}, tags: {} } })).toEqual([1, 2, 3]);
    expect(await ids({ anyOf: [{ required: ["extra"] }, { properties: { age: { minimum: 150 } } }] })).toEqual([3, 4]);
    expect(await ids({ not: { required: ["tags"] } })).toEqual([3, 4]);
  });

  it("refuses keywords mongod does not support, and unknown ones", async () => {
    await expect(people().find({ $jsonSchema: { type: "integer" } }).toArray()).rejects.toThrow(/\$jsonSchema type 'integer' is not currently supported/);
    await expect(people().find({ $jsonSchema: { format: "email" } }).toArray()).rejects.toThrow(/\$jsonSchema keyword 'format' is not currently supported/);
    await expect(people().find({ $jsonSchema: { nonsense: 1 } }).toArray()).rejects.toThrow(/Unknown \$jsonSchema keyword: nonsense/);
  });

  it("validates writes as a collection's validator (121); an invalid schema is refused when set", async () => {
    await t.db.createCollection("checked", { validator: { $jsonSchema: { required: ["name"], properties: { name: { bsonType: "string" } } } } });
    const checked = t.db.collection<Person>("checked");
    await checked.insertOne({ _id: 1, name: "ok" });
    await expect(checked.insertOne({ _id: 2, name: 5 })).rejects.toMatchObject({ code: 121 });
    await expect(checked.insertOne({ _id: 3 })).rejects.toMatchObject({ code: 121 });
    expect(await checked.countDocuments()).toBe(1);
    await expect(t.db.createCollection("broken", { validator: { $jsonSchema: { bsonType: "nope" } } })).rejects.toThrow(/bsonType/);
  });
});
