/**
 * Raw wire-protocol access for tests that send what no driver would: frames built byte by
 * byte over a plain `net.Socket`, and a pinging connection that reports whether the server
 * still answers.
 */
import net from "node:net";
import { afterAll, beforeAll } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../src/index.ts";
import { BSON, type Document } from "bson";
import { OP_MSG } from "../../src/wire/header.ts";

/** An OP_MSG as a driver sends it: a body section and optional document sequences. */
export function opMsg(body: object, sequences: Array<[string, object[]]> = [], flags = 0, requestId = 7): Buffer {
  const parts: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
  for (const [identifier, docs] of sequences) {
    const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((d) => Buffer.from(BSON.serialize(d)))]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4);
    parts.push(Buffer.from([1]), size, payload);
  }
  return withHeader(OP_MSG, Buffer.concat([u32(flags), ...parts]), requestId);
}

/** A header (length computed, request id, responseTo 0, opCode) in front of a payload. */
export function withHeader(opCode: number, payload: Buffer, requestId = 7): Buffer {
  const header = Buffer.alloc(16);
  header.writeInt32LE(16 + payload.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(opCode, 12);
  return Buffer.concat([header, payload]);
}

export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

/** The frame of issue 10: 29 bytes, a kind-1 section whose size field is 0xffffffff, then zeros. */
export function hangFrame(zeros: 4 | 8): Buffer {
  return withHeader(OP_MSG, Buffer.concat([u32(0), Buffer.from([1]), u32(0xffffffff), Buffer.alloc(zeros)]));
}

export function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: "127.0.0.1" }, () => {
      socket.off("error", reject);
      resolve(socket);
    });
    socket.once("error", reject);
  });
}

/**
 * Resolves true when the server closes the socket within `ms` (or resets it), false when it
 * is still open then. Anything the server sends meanwhile is ignored.
 */
export function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed || socket.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      socket.off("close", onClose);
      socket.off("end", onClose);
      resolve(closed);
    };
    const onClose = (): void => done(true);
    const timer = setTimeout(() => done(false), ms);
    socket.on("error", () => undefined);
    socket.on("data", () => undefined);
    socket.once("close", onClose);
    socket.once("end", onClose);
  });
}

/**
 * A connection that sends commands (`ping` by default) and waits for each reply, one at a
 * time; `flood` pipelines many at once.
 */
export class Pinger {
  private buffered = Buffer.alloc(0);
  private waiting: ((frame: Buffer) => void) | undefined;
  private nextId = 1;

  private constructor(private readonly socket: net.Socket) {
    // A reset shows as a ping without a reply, not as an uncaught error.
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const length = this.buffered.readInt32LE(0);
        if (this.buffered.length < length) break;
        const frame = this.buffered.subarray(0, length);
        this.buffered = this.buffered.subarray(length);
        this.waiting?.(frame);
      }
    });
  }

  static async open(port: number): Promise<Pinger> {
    return new Pinger(await connect(port));
  }

  /** The time the reply took in ms, or rejects when none came within `timeoutMs`. */
  async ping(timeoutMs = 2_000): Promise<number> {
    const started = performance.now();
    const doc = await this.command({ ping: 1, $db: "admin" }, timeoutMs);
    if (doc.ok !== 1) throw new Error(`ping answered ${JSON.stringify(doc)}`);
    return performance.now() - started;
  }

  /** Sends one command (an OP_MSG body, `$db` included) and resolves with its reply. */
  async command(body: object, timeoutMs = 2_000): Promise<Document> {
    const id = this.nextId++;
    const [frame] = await this.replies(1, timeoutMs, () => this.socket.write(opMsg(body, [], 0, id)));
    if (frame!.readInt32LE(8) !== id) throw new Error("reply answers another request");
    return BSON.deserialize(frame!.subarray(21));
  }

  /** Sends all the commands at once (pipelined) and resolves with their replies, in order. */
  async flood(bodies: object[], timeoutMs = 30_000): Promise<Document[]> {
    const frames = bodies.map((body) => opMsg(body, [], 0, this.nextId++));
    const replies = await this.replies(frames.length, timeoutMs, () => this.socket.write(Buffer.concat(frames)));
    return replies.map((frame) => BSON.deserialize(frame.subarray(21)));
  }

  private replies(count: number, timeoutMs: number, send: () => void): Promise<Buffer[]> {
    const frames: Buffer[] = [];
    const received = new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${frames.length} of ${count} replies within ${timeoutMs} ms`)), timeoutMs);
      this.waiting = (frame) => {
        frames.push(frame);
        if (frames.length < count) return;
        clearTimeout(timer);
        this.waiting = undefined;
        resolve(frames);
      };
    });
    send();
    return received;
  }

  /** Sends raw bytes on this connection. */
  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  closedWithin(ms: number): Promise<boolean> {
    return closedWithin(this.socket, ms);
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * For the enclosing `describe`: a server in a worker thread (so a parser that loops cannot
 * hang the test with it) and a connection pinging it; read `.server` and `.pinger` in tests.
 */
export function useWorkerServerWithPinger(): { readonly server: EmbeddedMongo; readonly pinger: Pinger } {
  let server: EmbeddedMongo | undefined;
  let pinger: Pinger | undefined;
  beforeAll(async () => {
    server = await startEmbeddedMongo({ inMemory: true, worker: true });
    pinger = await Pinger.open(server.port);
    await pinger.ping(10_000);
  });
  afterAll(async () => {
    pinger?.close();
    // A server stuck in a loop never answers stop: do not wait for it forever.
    if (server !== undefined) await Promise.race([server.stop(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  });
  return {
    get server() {
      if (server === undefined) throw new Error("the server is only available inside tests");
      return server;
    },
    get pinger() {
      if (pinger === undefined) throw new Error("the pinger is only available inside tests");
      return pinger;
    },
  };
}
