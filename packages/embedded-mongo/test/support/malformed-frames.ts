/**
 * Frames that must not parse, each named by what is wrong with it, and the builders they are
 * made with (shared by the malformed-frame tests and the fuzz test's seeds).
 */
import { BSON } from "bson";
import { OP_COMPRESSED, OP_MSG, OP_QUERY } from "../../src/wire/header.ts";
import { CHECKSUM_PRESENT } from "../../src/wire/op-msg.ts";
import { hangFrame, opMsg, u32, withHeader } from "./raw-wire.ts";

export const ping = Buffer.from(BSON.serialize({ ping: 1, $db: "admin" }));
export const doc = (d: object): Buffer => Buffer.from(BSON.serialize(d));
export const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};
export const msg = (...parts: Buffer[]): Buffer => withHeader(OP_MSG, Buffer.concat([u32(0), ...parts]));
export const sequence = (identifier: string, docs: Buffer[], size?: number): Buffer => {
  const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs]);
  return Buffer.concat([Buffer.from([1]), i32(size ?? payload.length + 4), payload]);
};
export const body = (bytes: Buffer): Buffer => Buffer.concat([Buffer.from([0]), bytes]);
export const query = (name: string, ...parts: Buffer[]): Buffer =>
  withHeader(OP_QUERY, Buffer.concat([u32(0), Buffer.from(`${name}\0`), i32(0), i32(-1), ...parts]));
/** A ping whose BSON length field says `size`. */
const pingSized = (size: number): Buffer => {
  const b = Buffer.from(ping);
  b.writeInt32LE(size, 0);
  return b;
};
const withLength = (frame: Buffer, length: number): Buffer => {
  const b = Buffer.from(frame);
  b.writeInt32LE(length, 0);
  return b;
};

export const malformedFrames: Array<[string, Buffer]> = [
  ["issue 10's 29-byte frame: sequence size 0xffffffff", hangFrame(4)],
  ["issue 10's 33-byte frame", hangFrame(8)],
  ["sequence size 0", msg(body(ping), Buffer.from([1]), i32(0), Buffer.alloc(4))],
  ["sequence size below its minimum", msg(body(ping), Buffer.from([1]), i32(5), Buffer.from("x\0"))],
  ["sequence size past the end", msg(body(ping), sequence("documents", [doc({ a: 1 })], 1_000))],
  ["sequence header cut by the end", msg(body(ping), Buffer.from([1, 9, 0]))],
  ["sequence identifier unterminated", msg(body(ping), Buffer.from([1]), i32(8), Buffer.from("docs"))],
  ["sequence identifier empty", msg(body(ping), sequence("", [doc({ a: 1 })]))],
  ["sequence document size 0", msg(body(ping), sequence("documents", [i32(0), Buffer.alloc(1)]))],
  ["sequence document size negative", msg(body(ping), sequence("documents", [i32(-7), Buffer.alloc(1)]))],
  ["sequence document past the section", msg(body(ping), sequence("documents", [doc({ a: 1 })], 4 + 10 + 6))],
  ["sequence with a torn document", msg(body(ping), sequence("documents", [doc({ a: 1 }), Buffer.from([1, 2])]))],
  ["sequence field already in the body", msg(body(doc({ insert: "c", documents: [], $db: "d" })), sequence("documents", [doc({ a: 1 })]))],
  ["two sequences with one identifier", msg(body(ping), sequence("documents", [doc({ a: 1 })]), sequence("documents", [doc({ a: 2 })]))],
  ["body size 0", msg(Buffer.from([0]), i32(0), Buffer.alloc(1))],
  ["body size -1", msg(Buffer.from([0]), i32(-1), Buffer.alloc(1))],
  ["body size past the end", msg(body(pingSized(ping.length + 100)))],
  ["body size short of its BSON", msg(body(pingSized(ping.length - 3)))],
  ["body BSON without its terminating 0", msg(body(Buffer.concat([ping.subarray(0, -1), Buffer.from([7])])))],
  ["body BSON with an element type that does not exist", msg(body(Buffer.concat([i32(12), Buffer.from([0x77]), Buffer.from("a\0"), i32(1), Buffer.from([0])])))],
  ["body BSON string length past its document", msg(body(Buffer.concat([i32(16), Buffer.from([0x02]), Buffer.from("s\0"), i32(0x7ffffff0), Buffer.from("ab\0"), Buffer.from([0])])))],
  ["two body sections", msg(body(ping), body(ping))],
  ["no body section", msg(sequence("documents", [doc({ a: 1 })]))],
  ["unknown section kind 2", msg(body(ping), Buffer.from([2]), i32(5), Buffer.from([0]))],
  ["unknown section kind 0xff", msg(Buffer.from([0xff]), ping)],
  ["a lone section kind byte after the body", msg(body(ping), Buffer.from([1]))],
  ["no sections at all", msg()],
  ["unknown required flag bit", withHeader(OP_MSG, Buffer.concat([u32(1 << 4), body(ping)]))],
  ["checksum flag with no room for the checksum", withHeader(OP_MSG, Buffer.concat([u32(CHECKSUM_PRESENT), body(ping)]))],
  ["header only", withHeader(OP_MSG, Buffer.alloc(0))],
  ["flags cut short", withHeader(OP_MSG, Buffer.alloc(2))],
  ["messageLength disagreeing with the frame", withLength(opMsg({ ping: 1, $db: "admin" }), 200)],
  ["messageLength below the header", withLength(opMsg({ ping: 1, $db: "admin" }), 3)],
  ["OP_COMPRESSED, never advertised", withHeader(OP_COMPRESSED, Buffer.alloc(16))],
  ["legacy OP_INSERT", withHeader(2002, Buffer.concat([u32(0), Buffer.from("d.c\0"), doc({ a: 1 })]))],
  ["opCode 0", withHeader(0, Buffer.alloc(8))],
  ["OP_QUERY name unterminated", withHeader(OP_QUERY, Buffer.concat([u32(0), Buffer.alloc(40, 0x61)]))],
  ["OP_QUERY without skip and limit", withHeader(OP_QUERY, Buffer.concat([u32(0), Buffer.from("admin.$cmd\0"), Buffer.alloc(6)]))],
  ["OP_QUERY query size 0", query("admin.$cmd", i32(0), Buffer.alloc(4))],
  ["OP_QUERY query past the end", query("admin.$cmd", pingSized(ping.length + 1))],
  ["OP_QUERY bytes after its documents", query("admin.$cmd", ping, doc({}), Buffer.from([1, 2, 3]))],
  ["OP_QUERY empty name", query("", ping)],
];

