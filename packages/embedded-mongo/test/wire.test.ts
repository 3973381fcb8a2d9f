import { describe, expect, it } from "vitest";
import { BSON, Long } from "bson";
import { encodeDocument } from "../src/wire/bson-codec.ts";
import { encodeBatch, encodeReply } from "../src/wire/encoded-batches.ts";
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

  it("splices a batch encoded as taken into its reply: the same bytes as encoding the reply whole", () => {
    /** The batch, encoded for its reply. */
    const encoded = <T extends object>(docs: T[]): T[] => {
      encodeBatch(docs);
      return docs;
    };
    const docs = [{ _id: 1, at: new Date(0), nested: { s: "é", list: [1, 2.5, null] } }, { _id: "two", skipped: undefined }, {}];
    // Past ten documents the elements' index keys take two digits.
    const many = Array.from({ length: 120 }, (_, index) => ({ _id: index, text: "x".repeat(index) }));
    for (const key of ["firstBatch", "nextBatch"]) {
      for (const reply of [
        { cursor: { [key]: encoded(docs.map((doc) => ({ ...doc }))), id: Long.fromNumber(42), ns: "d.c" }, ok: 1 },
        { cursor: { [key]: encoded(many), id: Long.fromNumber(42), ns: "d.c" }, ok: 1 },
        { cursor: { [key]: encoded([]), id: Long.ZERO, ns: "d.c" }, ok: 1, $clusterTime: { t: 1 } },
      ]) {
        const plain = encodeDocument({ ...reply, cursor: { ...reply.cursor, [key]: [...(reply.cursor[key] as object[])] } });
        expect(Buffer.from(encodeReply(reply))).toEqual(Buffer.from(plain));
      }
    }
    // A batch no longer in a cursor's first field, or never encoded, is encoded as usual.
    expect(Buffer.from(encodeReply({ ok: 1, cursor: { nextBatch: encoded([{ a: 1 }]) } }))).toEqual(Buffer.from(encodeDocument({ ok: 1, cursor: { nextBatch: [{ a: 1 }] } })));
    expect(Buffer.from(encodeReply({ cursor: { nextBatch: [{ a: 1 }], id: Long.ZERO } }))).toEqual(Buffer.from(encodeDocument({ cursor: { nextBatch: [{ a: 1 }], id: Long.ZERO } })));
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

  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const numbered = (count: number) => Array.from({ length: count }, (_, n) => ({ n }));
  /** Every document of a cursor, read with getMores of the given sizes in turn (the last repeats). */
  async function readAll(cursors: CursorRegistry, first: number, sizes: number[], count: number, shape?: (doc: { n: number }) => unknown): Promise<unknown[]> {
    const docs = numbered(count);
    let batch = cursors.start({ ns: "d.c", docs, ...(shape && { shape: shape as never }) }, first);
    const read: unknown[] = [...batch.docs];
    for (let i = 0; !batch.id.isZero(); i++) {
      await nextTurn();
      batch = cursors.more(batch.id, "d.c", sizes[Math.min(i, sizes.length - 1)]);
      read.push(...batch.docs);
    }
    return read;
  }

  it("gathers the next batch ahead, and a getMore answers the same documents in the same order, whatever the sizes asked", async () => {
    const cursors = new CursorRegistry();
    expect(await readAll(cursors, 5, [7], 100)).toEqual(numbered(100));
    // A getMore of another size than the batch gathered for gives its documents back first.
    expect(await readAll(cursors, 3, [10, 2, 25, 1, 40], 3_000)).toEqual(numbered(3_000));
    expect(await readAll(cursors, 2, [4], 50, ({ n }) => ({ m: n * 2 }))).toEqual(numbered(50).map(({ n }) => ({ m: n * 2 })));
    expect(cursors.size).toBe(0);
  });

  it("answers a batch of up to a thousand documents in full however slow the gathering, and cuts a longer one by time", () => {
    const slowly = (doc: { n: number }) => {
      const until = performance.now() + 0.05;
      while (performance.now() < until);
      return doc;
    };
    const cursors = new CursorRegistry();
    // 500 documents at 0.05 ms each take 25 ms, far past the 3 ms after which a long batch stops.
    expect(cursors.start({ ns: "d.c", docs: numbered(600), shape: slowly as never }, 500).docs).toHaveLength(500);
    const long = cursors.start({ ns: "d.c", docs: numbered(3_000), shape: slowly as never }, 3_000);
    expect(long.docs.length).toBeGreaterThanOrEqual(1024);
    expect(long.docs.length).toBeLessThan(3_000);
  });

  it("lets go of batches gathered ahead when their cursor is killed or times out, and gathers none past its budget", async () => {
    const cursors = new CursorRegistry();
    const big = "x".repeat(1024 * 1024);
    const held = Array.from({ length: 80 }, () => cursors.start({ ns: "d.c", docs: Array.from({ length: 4 }, () => ({ big })) }, 1));
    await nextTurn();
    // 80 cursors with a 1 MiB batch each to gather: the 64 MiB budget stops them.
    const prefetched = (cursors as unknown as { prefetched: number }).prefetched;
    expect(prefetched).toBeGreaterThan(0);
    expect(prefetched).toBeLessThanOrEqual(65 * 1024 * 1024);
    cursors.kill(held.slice(0, 40).map((batch) => batch.id), { ns: "d.c", anyOwner: false });
    cursors.closeIdle(Date.now() + 20 * 60 * 1000);
    expect(cursors.size).toBe(0);
    expect((cursors as unknown as { prefetched: number }).prefetched).toBe(0);
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
