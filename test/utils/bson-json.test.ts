/** BSON to JSON text: the same text as stringifying what the driver decodes, for any document. */
import fc from "fast-check";
import { BSON, Long, ObjectId } from "mongodb";
import { describe, expect, it } from "vitest";
import { BsonFieldReader, JsonWriter, valueStarts } from "../../src/utils/bson-json.ts";

/** What the driver answers for the field `d` of these bytes, stringified: the text to match. */
function decodedJson(bytes: Uint8Array): string {
  return JSON.stringify(BSON.deserialize(bytes).d);
}

/** The bytes of `{ d: value }`, whose field `d` the writer is to write. */
function wrapped(value: unknown): Uint8Array {
  return BSON.serialize({ d: value });
}

/** The writer's JSON of the field `d`. */
function writtenJson(bytes: Uint8Array): string {
  const writer = new JsonWriter();
  writer.field(new BsonFieldReader(["d"]).read(bytes), 0);
  return writer.take().toString("utf8");
}

/** A field's own value ("__proto__" is a field like any other in BSON). */
function ownValue(document: object, name: string): unknown {
  return Object.getOwnPropertyDescriptor(document, name)?.value;
}

const instant = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(2031, 0, 1) }),
  fc.constantFrom(-62167219200001, -62167219200000, 253402300799999, 253402300800000, -1, 0, 8.64e15 + 1, -8.64e15 - 1),
);
const text = fc.oneof(fc.string(), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }), fc.constantFrom('a"b', "a\\b", "tab\there", "\u0001", "\u007f", "é", "𝄞"));
const key = fc.oneof(fc.string({ minLength: 1 }), fc.string({ unit: "grapheme", minLength: 1 })).filter((name) => !name.includes("\u0000") && !name.startsWith("$") && !name.includes("."));
const leaf = fc.oneof(
  text,
  fc.double(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.boolean(),
  fc.constant(null),
  instant.map((ms) => new Date(ms)),
);
const { value } = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small" }, leaf, tie("document"), fc.array(tie("value"), { maxLength: 4 })),
  document: fc.dictionary(key, tie("value"), { maxKeys: 5 }),
}));
const document = fc.dictionary(key, value, { maxKeys: 8 });

describe("JsonWriter.field of a document", () => {
  it("writes what JSON.stringify writes of the decoded document, for strings, numbers, dates, nesting", () => {
    fc.assert(
      fc.property(document, (doc) => {
        const bytes = wrapped(doc);
        expect(writtenJson(bytes)).toBe(decodedJson(bytes));
      }),
      { numRuns: 3_000 },
    );
  });

  it("writes documents with other value types (ObjectId, 64-bit integers, binary) by decoding them", () => {
    const doc = { id: new ObjectId(), big: Long.fromString("9007199254740993"), small: Long.fromNumber(42), data: new BSON.Binary(Buffer.from("hi")), nested: { at: new Date(0), list: [1, "two"] } };
    const bytes = wrapped(doc);
    expect(writtenJson(bytes)).toBe(decodedJson(bytes));
  });

  it("writes dates as the Date does at the edges of its ISO form and past its range", () => {
    for (const ms of [-62167219200001, -62167219200000, -1, 0, 1, 253402300799999, 253402300800000, 8.64e15, -8.64e15, 8.64e15 + 1]) {
      const bytes = wrapped({ at: new Date(ms) });
      expect(writtenJson(bytes), String(ms)).toBe(decodedJson(bytes));
    }
  });
});

describe("BsonFieldReader and JsonWriter.field", () => {
  /** The fields `names` of `document` as the writer writes each alone (a Map: "__proto__" is a name like any other). */
  function fieldsJson(document: Uint8Array, names: readonly string[]): Map<string, string> {
    const reader = new BsonFieldReader(names).read(document);
    const writer = new JsonWriter();
    const texts = new Map<string, string>();
    for (const [index, name] of names.entries()) {
      writer.field(reader, index);
      texts.set(name, writer.take().toString("utf8"));
    }
    return texts;
  }

  it("write each field's value as JSON, whatever the other fields' types, null for a missing one", () => {
    fc.assert(
      fc.property(document, fc.boolean(), key, (doc, withOthers, missing) => {
        const full = withOthers ? { ...doc, oid: new ObjectId(), big: Long.fromString("9007199254740993"), re: new BSON.BSONRegExp("a+", "i"), bin: new BSON.Binary(Buffer.from("x")), after: "end" } : doc;
        const bytes = BSON.serialize(full);
        const decoded = BSON.deserialize(bytes);
        const names = [...Object.keys(decoded).reverse(), ...(missing in decoded ? [] : [missing])];
        const fields = fieldsJson(bytes, names);
        for (const name of names) expect(fields.get(name), name).toBe(JSON.stringify(ownValue(decoded, name)) ?? "null");
      }),
      { numRuns: 1_000 },
    );
  });

  it("writes a field named __proto__ like any other (a run of the property above found the test's own helper losing it)", () => {
    const bytes = BSON.serialize(JSON.parse('{"__proto__":{},"a":1}') as object);
    expect(Object.fromEntries(fieldsJson(bytes, ["__proto__", "a"]))).toEqual(JSON.parse('{"__proto__":"{}","a":"1"}'));
  });

  it("reads a Uint8Array that is not a Buffer, at an offset into a larger one, and grows past its first buffer", () => {
    const long = "x".repeat(100_000);
    const bytes = BSON.serialize({ a: "x", b: 2, long, é: "accent" });
    const larger = new Uint8Array(bytes.length + 7);
    larger.set(bytes, 7);
    expect(Object.fromEntries(fieldsJson(larger.subarray(7), ["a", "b", "long", "é"]))).toEqual({ a: '"x"', b: "2", long: JSON.stringify(long), é: '"accent"' });
  });

  it("reads each document of a reply's batch where valueStarts finds it, also decoding a value of another type there", () => {
    const batch = [{ a: "first", id: new ObjectId() }, { a: "second", id: Long.fromString("9007199254740993") }, { id: 3 }];
    const reply = Buffer.from(BSON.serialize({ id: Long.fromNumber(7), nextBatch: batch, ns: "db.c" }));
    const starts = valueStarts(reply, new BsonFieldReader(["nextBatch"]).read(reply).offsets[0]!);
    expect(starts).toHaveLength(3);
    const reader = new BsonFieldReader(["a", "id"]);
    const writer = new JsonWriter();
    const written = starts.map((start) => {
      reader.read(reply, start);
      writer.field(reader, 0);
      writer.bytes(Buffer.from(" "));
      writer.field(reader, 1);
      return writer.take().toString("utf8");
    });
    expect(written).toEqual(BSON.deserialize(reply).nextBatch.map((doc: Record<string, unknown>) => `${JSON.stringify(doc.a) ?? "null"} ${JSON.stringify(doc.id)}`));
  });
});
