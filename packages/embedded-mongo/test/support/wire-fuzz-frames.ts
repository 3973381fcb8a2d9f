/**
 * Generators of wire frames for the fuzz test: random bytes behind a plausible header,
 * OP_MSGs assembled from sections whose kinds and sizes lie, and well-formed or malformed
 * frames mutated (bytes set, int32s overwritten with edge values, cut, extended, spliced).
 */
import { Binary, BSON, Code, DBRef, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp, BSONRegExp } from "bson";
import fc from "fast-check";
import { OP_COMPRESSED, OP_MSG, OP_QUERY } from "../../src/wire/header.ts";
import { CHECKSUM_PRESENT, EXHAUST_ALLOWED, MORE_TO_COME } from "../../src/wire/op-msg.ts";
import { malformedFrames } from "./malformed-frames.ts";
import { opMsg, withHeader } from "./raw-wire.ts";

const documents: object[] = [
  { ping: 1, $db: "admin" },
  { insert: "c", ordered: true, $db: "d", lsid: { id: new Binary(Buffer.alloc(16), 4) } },
  { find: "c", filter: { a: { $gt: 1 }, s: new BSONRegExp("^a", "i") }, sort: { a: -1 }, batchSize: 2, $db: "d" },
  {
    types: [1, 2.5, "s", true, null, new Date(0), new Long(7), new Decimal128("1.5"), new Double(2), new Int32(3)],
    more: { oid: new ObjectId("0123456789abcdef01234567"), ts: new Timestamp({ t: 1, i: 2 }), min: new MinKey(), max: new MaxKey() },
    code: new Code("x", { a: 1 }),
    ref: new DBRef("c", new ObjectId("0123456789abcdef01234568")),
    bin: new Binary(Buffer.from("hello")),
    nested: { a: { b: { c: [[1], { d: "e" }] } } },
  },
];
const bsonSeeds = documents.map((d) => Buffer.from(BSON.serialize(d)));

const EDGE_INT32 = [0, 1, 4, 5, 6, -1, -5, 0x7fffffff, -0x80000000, 0xffff, 16, 20, 21, 48_000_000, 48_000_001];

const validFrames: Buffer[] = [
  opMsg({ ping: 1, $db: "admin" }),
  opMsg({ insert: "c", $db: "d" }, [["documents", [{ _id: 1, a: "x" }, { _id: 2 }]]], MORE_TO_COME),
  opMsg({ update: "c", $db: "d" }, [["updates", [{ q: { _id: 1 }, u: { $set: { a: 2 } } }]], ["other", []]], EXHAUST_ALLOWED),
  withHeader(OP_MSG, Buffer.concat([u32le(CHECKSUM_PRESENT), Buffer.from([0]), bsonSeeds[0]!, u32le(0)])),
  withHeader(OP_QUERY, Buffer.concat([u32le(0), Buffer.from("admin.$cmd\0"), Buffer.alloc(4), u32le(0xffffffff), Buffer.from(BSON.serialize({ isMaster: 1 }))])),
  ...bsonSeeds.map((doc) => withHeader(OP_MSG, Buffer.concat([u32le(0), Buffer.from([0]), doc]))),
];

/** Frames to mutate: well-formed ones and every named malformed one. */
export const seedFrames: Buffer[] = [...validFrames, ...malformedFrames.map(([, frame]) => frame)];

function u32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

function i32le(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value | 0);
  return b;
}

const opCode = fc.oneof(fc.constantFrom(OP_MSG, OP_MSG, OP_MSG, OP_QUERY, OP_COMPRESSED, 2002, 2001, 1), fc.integer());

/** A header whose messageLength is right most of the time, in front of random bytes. */
const randomFrame = fc
  .tuple(opCode, fc.uint8Array({ maxLength: 160 }), fc.option(fc.integer(), { freq: 6 }))
  .map(([code, payload, length]) => {
    const frame = withHeader(code, Buffer.from(payload));
    if (length !== null) frame.writeInt32LE(length | 0, 0);
    return frame;
  });

const edgeSize = fc.oneof(fc.constantFrom(...EDGE_INT32), fc.integer({ min: -8, max: 64 }));

/** One OP_MSG section: a true or lying kind, size, identifier and documents. */
const section = fc.oneof(
  fc.tuple(fc.constantFrom(...bsonSeeds), fc.option(edgeSize, { freq: 3 })).map(([doc, size]) => {
    const b = Buffer.concat([Buffer.from([0]), doc]);
    if (size !== null) b.writeInt32LE(size, 1);
    return b;
  }),
  fc
    .tuple(fc.string({ maxLength: 12 }), fc.array(fc.constantFrom(...bsonSeeds), { maxLength: 3 }), fc.option(edgeSize, { freq: 3 }), fc.boolean())
    .map(([identifier, docs, size, terminated]) => {
      const payload = Buffer.concat([Buffer.from(identifier), terminated ? Buffer.from([0]) : Buffer.alloc(0), ...docs]);
      return Buffer.concat([Buffer.from([1]), i32le(size ?? payload.length + 4), payload]);
    }),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 24 })).map(([kind, rest]) => Buffer.concat([Buffer.from([kind]), Buffer.from(rest)])),
);

const structuredMsg = fc
  .tuple(fc.oneof(fc.constantFrom(0, CHECKSUM_PRESENT, MORE_TO_COME, EXHAUST_ALLOWED, 1 << 4), fc.nat()), fc.array(section, { maxLength: 4 }))
  .map(([flags, sections]) => withHeader(OP_MSG, Buffer.concat([u32le(flags), ...sections])));

type Mutation = (frame: Buffer) => Buffer;

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })).map(([at, value]): Mutation => (f) => {
    if (f.length === 0) return f;
    const b = Buffer.from(f);
    b[at % b.length] = value;
    return b;
  }),
  fc.tuple(fc.nat(), fc.oneof(fc.constantFrom(...EDGE_INT32), fc.integer())).map(([at, value]): Mutation => (f) => {
    if (f.length < 4) return f;
    const b = Buffer.from(f);
    b.writeInt32LE(value | 0, at % (b.length - 3));
    return b;
  }),
  fc.nat().map((at): Mutation => (f) => f.subarray(0, at % (f.length + 1))),
  fc.uint8Array({ minLength: 1, maxLength: 16 }).map((tail): Mutation => (f) => Buffer.concat([f, Buffer.from(tail)])),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })).map(([at, bytes]): Mutation => (f) => {
    const i = at % (f.length + 1);
    return Buffer.concat([f.subarray(0, i), Buffer.from(bytes), f.subarray(i)]);
  }),
  fc.tuple(fc.nat(), fc.nat(), fc.nat()).map(([from, len, to]): Mutation => (f) => {
    if (f.length === 0) return f;
    const start = from % f.length;
    const slice = f.subarray(start, start + (len % 16));
    const i = to % (f.length + 1);
    return Buffer.concat([f.subarray(0, i), slice, f.subarray(i)]);
  }),
);

/** A seed frame after 1-4 mutations; its messageLength is set to its size again most of the time. */
const mutatedFrame = fc
  .tuple(fc.constantFrom(...seedFrames), fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.nat(4))
  .map(([seed, mutations, keepLength]) => {
    let frame = mutations.reduce((f, m) => m(f), seed);
    if (keepLength !== 0 && frame.length >= 4) {
      frame = Buffer.from(frame);
      frame.writeInt32LE(frame.length, 0);
    }
    return frame;
  });

/** Every kind of frame the fuzz test throws, mutated ones most often. */
export const anyFrame: fc.Arbitrary<Buffer> = fc.oneof(
  { arbitrary: mutatedFrame, weight: 5 },
  { arbitrary: structuredMsg, weight: 3 },
  { arbitrary: randomFrame, weight: 2 },
);
