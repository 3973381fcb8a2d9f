import { describe, expect, it } from "vitest";
import { BSON } from "bson";
import { CursorRegistry } from "../src/cursors.ts";
import { FrameReader } from "../src/wire/frame-reader.ts";
import { OP_MSG, readHeader } from "../src/wire/header.ts";
import { encodeOpMsg, MORE_TO_COME, parseOpMsg } from "../src/wire/op-msg.ts";
import { useTestDatabase } from "./support/database.ts";
import { opMsg } from "./support/raw-wire.ts";

describe("wire framing", () => {
  it("reassembles messages split across chunks and splits chunks holding several", () => {
    const a = opMsg({ ping: 1, $db: "admin" });
    const b = opMsg({ hello: 1, $db: "admin" });
    const reader = new FrameReader();
    const stream = Buffer.concat([a, b]);
    const frames = [stream.subarray(0, 3), stream.subarray(3, a.length + 5), stream.subarray(a.length + 5)].flatMap((chunk) => reader.push(chunk));
    expect(frames.map((f) => parseOpMsg(f).command)).toEqual([{ ping: 1, $db: "admin" }, { hello: 1, $db: "admin" }]);
  });

  it("folds document sequences into the command under their identifier", () => {
    const frame = opMsg({ insert: "c", $db: "d" }, [["documents", [{ _id: 1 }, { _id: 2 }]]], MORE_TO_COME);
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
    const { id } = cursors.start({ ns: "d.c", docs: [{ a: 1 }, { a: 2 }] }, 1);
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
