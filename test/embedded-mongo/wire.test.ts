import { describe, expect, it } from "vitest";
import { BSON } from "bson";
import { CursorRegistry } from "../../src/edges/embedded-mongo/cursors.ts";
import { FrameReader } from "../../src/edges/embedded-mongo/wire/frame-reader.ts";
import { OP_MSG, readHeader } from "../../src/edges/embedded-mongo/wire/header.ts";
import { encodeOpMsg, MORE_TO_COME, parseOpMsg } from "../../src/edges/embedded-mongo/wire/op-msg.ts";
import { useTestDatabase } from "../support/database.ts";

/** An OP_MSG as a driver sends it: a body section and optional document sequences. */
function opMsg(flags: number, body: object, sequences: Array<[string, object[]]> = []): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [identifier, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  const header = Buffer.alloc(20);
  const frame = Buffer.concat([header, ...parts]);
  frame.writeInt32LE(frame.length, 0);
  frame.writeInt32LE(7, 4);
  frame.writeInt32LE(0, 8);
  frame.writeInt32LE(OP_MSG, 12);
  frame.writeUInt32LE(flags, 16);
  return frame;
}

describe("wire framing", () => {
  it("reassembles messages split across chunks and splits chunks holding several", () => {
    const a = opMsg(0, { ping: 1, $db: "admin" });
    const b = opMsg(0, { hello: 1, $db: "admin" });
    const reader = new FrameReader();
    const stream = Buffer.concat([a, b]);
    const frames = [stream.subarray(0, 3), stream.subarray(3, a.length + 5), stream.subarray(a.length + 5)].flatMap((chunk) => reader.push(chunk));
    expect(frames.map((f) => parseOpMsg(f).command)).toEqual([{ ping: 1, $db: "admin" }, { hello: 1, $db: "admin" }]);
  });

  it("folds document sequences into the command under their identifier", () => {
    const frame = opMsg(MORE_TO_COME, { insert: "c", $db: "d" }, [["documents", [{ _id: 1 }, { _id: 2 }]]]);
    const { flags, command } = parseOpMsg(frame);
    expect(flags & MORE_TO_COME).toBeTruthy();
    expect(command).toEqual({ insert: "c", $db: "d", documents: [{ _id: 1 }, { _id: 2 }] });
  });

  it("answers with one body section, in reply to the request id", () => {
    const reply = encodeOpMsg(7, { ok: 1 });
    expect(readHeader(reply)).toMatchObject({ messageLength: reply.length, responseTo: 7, opCode: OP_MSG });
    expect(reply[20]).toBe(0);
    expect(BSON.deserialize(reply.subarray(21))).toEqual({ ok: 1 });
  });
});

describe("cursors", () => {
  it("a cursor idle longer than the timeout is closed", () => {
    const cursors = new CursorRegistry();
    const { id } = cursors.start("d.c", [{ a: 1 }, { a: 2 }], 1);
    cursors.closeIdle(Date.now() + 1000, 60_000);
    expect(cursors.size).toBe(1);
    cursors.closeIdle(Date.now() + 120_000, 60_000);
    expect(cursors.size).toBe(0);
    expect(() => cursors.more(id, "d.c", 1)).toThrow(/not found/);
  });
});

describe("unacknowledged writes", () => {
  const t = useTestDatabase();

  it("a w: 0 insert gets no reply but is applied", async () => {
    const c = t.db.collection<{ _id: number }>("fire-and-forget");
    await c.insertOne({ _id: 1 }, { writeConcern: { w: 0 } });
    const deadline = Date.now() + 5_000;
    while ((await c.countDocuments()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(await c.find().toArray()).toEqual([{ _id: 1 }]);
  });
});
