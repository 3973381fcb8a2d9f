/**
 * Issue 10, item 3 (backpressure): a client that pipelines requests and never reads the
 * replies must not grow the server's memory without bound. The connection stops reading and
 * running requests while its unsent replies are above a bound, and resumes when they drain.
 * The server runs in this thread so that its buffers count in this isolate's memory.
 */
import { MongoClient } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/index.ts";
import { connect, opMsg, Pinger } from "./support/raw-wire.ts";

const DOCUMENTS = 1_000;
const FINDS = 300;
const MB = 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("a client that does not read its replies", () => {
  let server: EmbeddedMongo;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startEmbeddedMongo({ inMemory: true });
    client = await MongoClient.connect(server.uri);
    const pad = "x".repeat(1_000);
    await client.db("bp").collection<{ _id: number; pad: string }>("c").insertMany(Array.from({ length: DOCUMENTS }, (_, i) => ({ _id: i, pad })));
  });

  afterAll(async () => {
    await client.close();
    await server.stop();
  });

  it(`${FINDS} pipelined finds of ~1 MB each, never read: memory stays bounded, others are answered, and all replies come once read`, async () => {
    const before = process.memoryUsage().arrayBuffers;
    const attacker = await connect(server.port);
    attacker.pause();
    const finds = Array.from({ length: FINDS }, (_, i) => opMsg({ find: "c", filter: {}, batchSize: 100_000, $db: "bp" }, [], 0, i + 1));
    attacker.write(Buffer.concat(finds));

    // Let the server do all it will for a while, answering another connection meanwhile.
    const pinger = await Pinger.open(server.port);
    let peak = 0;
    for (let i = 0; i < 15; i++) {
      expect(await pinger.ping(1_000)).toBeLessThan(1_000);
      peak = Math.max(peak, process.memoryUsage().arrayBuffers - before);
      await sleep(100);
    }
    pinger.close();
    console.info(`unread replies: peak growth of this thread's buffers ${(peak / MB).toFixed(1)} MB`);
    // Without backpressure the ~300 MB of replies pile up in the server's socket buffer.
    expect(peak / MB).toBeLessThan(80);

    // Once the client reads, every reply comes, in order.
    let buffered: Buffer = Buffer.alloc(0);
    const answered: number[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${answered.length} replies`)), 20_000);
      attacker.on("data", (chunk: Buffer) => {
        buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
        while (buffered.length >= 16 && buffered.length >= buffered.readInt32LE(0)) {
          answered.push(buffered.readInt32LE(8));
          buffered = buffered.subarray(buffered.readInt32LE(0));
        }
        if (answered.length === FINDS) {
          clearTimeout(timer);
          resolve();
        }
      });
      attacker.resume();
    });
    expect(answered).toEqual(Array.from({ length: FINDS }, (_, i) => i + 1));
    attacker.destroy();
  }, 60_000);
});
