/**
 * Issue 10, item 1: a frame that does not parse closes its own connection at once, and never
 * makes the server loop, allocate beyond the frame, or stop answering other connections.
 * The server runs in a worker thread here, so that a parser that loops cannot hang the test.
 */
import { describe, expect, it } from "vitest";
import { FrameReader, FrameTooLargeError } from "../src/wire/frame-reader.ts";
import { OP_MSG, OP_QUERY } from "../src/wire/header.ts";
import { MalformedMessageError } from "../src/wire/malformed.ts";
import { parseMessage } from "../src/wire/message.ts";
import { CHECKSUM_PRESENT, EXHAUST_ALLOWED, MORE_TO_COME } from "../src/wire/op-msg.ts";
import { body, doc, i32, malformedFrames, ping, query } from "./support/malformed-frames.ts";
import { closedWithin, connect, hangFrame, opMsg, Pinger, u32, useWorkerServerWithPinger, withHeader } from "./support/raw-wire.ts";

describe("frames that do not parse", () => {
  it.each(malformedFrames)("%s: refused", (_name, frame) => {
    expect(() => parseMessage(frame)).toThrow(MalformedMessageError);
  });

  it("well-formed frames still parse: sequences, exhaustAllowed, a skipped checksum, OP_QUERY with a field selector", () => {
    const insert = opMsg({ insert: "c", $db: "d" }, [["documents", [{ _id: 1 }]], ["other", []]], EXHAUST_ALLOWED | MORE_TO_COME);
    expect(parseMessage(insert)).toMatchObject({ opCode: OP_MSG, flags: EXHAUST_ALLOWED | MORE_TO_COME, command: { insert: "c", documents: [{ _id: 1 }], other: [] } });
    const checksummed = withHeader(OP_MSG, Buffer.concat([u32(CHECKSUM_PRESENT), body(ping), u32(0xdeadbeef)]));
    expect(parseMessage(checksummed)).toMatchObject({ command: { ping: 1, $db: "admin" } });
    expect(parseMessage(query("admin.$cmd", doc({ isMaster: 1 }), doc({ a: 1 })))).toMatchObject({
      opCode: OP_QUERY,
      fullCollectionName: "admin.$cmd",
      query: { isMaster: 1 },
    });
  });

  it("a sequence identifier such as __proto__ stays a plain field", () => {
    const { command } = parseMessage(opMsg({ insert: "c", $db: "d" }, [["__proto__", [{ _id: 1 }]]])) as { command: Record<string, unknown> };
    expect(Object.getPrototypeOf(command)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(command, "__proto__")?.value).toEqual([{ _id: 1 }]);
  });

  it("the frame reader refuses a messageLength below the header or above 48 MB before buffering", () => {
    for (const length of [0, 15, -1, 48_000_001, 0x7fffffff]) {
      expect(() => new FrameReader().push(i32(length))).toThrow(FrameTooLargeError);
    }
  });
});

describe("malformed frames over a socket", () => {
  const running = useWorkerServerWithPinger();

  it.each([29, 33] as const)("the %i-byte frame of issue 10 closes its connection and others keep answering", async (size) => {
    const frame = hangFrame(size === 29 ? 4 : 8);
    expect(frame.length).toBe(size);
    const attacker = await connect(running.server.port);
    attacker.write(frame);
    expect(await closedWithin(attacker, 1_000)).toBe(true);
    expect(await running.pinger.ping()).toBeLessThan(2_000);
  });

  it("every kind of malformed frame closes its connection, after answering what came before it on that connection", async () => {
    // On a stream, a messageLength beyond the bytes sent only waits for the rest of them.
    for (const [name, frame] of malformedFrames.filter(([name]) => !name.startsWith("messageLength disagreeing"))) {
      const attacker = await Pinger.open(running.server.port);
      await attacker.ping();
      attacker.write(frame);
      expect(await attacker.closedWithin(1_000), name).toBe(true);
      await running.pinger.ping();
    }
  });
});
