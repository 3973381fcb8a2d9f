/**
 * A TCP proxy between an API process and its MongoDB server that counts the commands the
 * client sends. Bytes pass through untouched in both directions; a copy of what the client
 * sends is cut into wire messages (the 16-byte header's length) and each is named by its
 * command: the first key of an OP_MSG's body section (or of a legacy OP_QUERY's query).
 *
 * Not counted: the handshake and monitoring the driver does on its own (hello/isMaster
 * heartbeats, ping, SCRAM authentication) and `endSessions` at close, so that what remains is
 * the work the application asked for.
 */
import net from "node:net";

export const uncountedCommands: ReadonlySet<string> = new Set([
  "hello",
  "isMaster",
  "ismaster",
  "ping",
  "saslStart",
  "saslContinue",
  "authenticate",
  "getnonce",
  "endSessions",
]);

export interface CommandCounts {
  /** Counted commands. */
  total: number;
  byName: Record<string, number>;
  /** Messages left out (see `uncountedCommands`). */
  uncounted: number;
}

export interface CommandProxy {
  readonly port: number;
  /** What was counted since the proxy started (a copy). */
  counts(): CommandCounts;
  stop(): Promise<void>;
}

const opMsg = 2013;
const opQuery = 2004;
const opCompressed = 2012;

/** Listens on loopback (`listenPort`, 0: a free port) and forwards every connection to `target`. */
export async function startCommandProxy(target: { host: string; port: number }, listenPort = 0): Promise<CommandProxy> {
  const counts: CommandCounts = { total: 0, byName: {}, uncounted: 0 };
  const count = (message: Buffer): void => {
    const name = commandName(message);
    if (uncountedCommands.has(name)) {
      counts.uncounted += 1;
      return;
    }
    counts.total += 1;
    counts.byName[name] = (counts.byName[name] ?? 0) + 1;
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.setNoDelay(true);
      socket.on("error", () => undefined);
      socket.on("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on("data", messageReader(count));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listenPort, "127.0.0.1", resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    counts: () => ({ ...counts, byName: { ...counts.byName } }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A `data` listener that calls `onMessage` with each whole wire message, however the stream is chunked. */
export function messageReader(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    const buffer = pending === undefined ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const length = buffer.readInt32LE(offset);
      if (buffer.length - offset < length) break;
      onMessage(buffer.subarray(offset, offset + length));
      offset += length;
    }
    pending = offset === buffer.length ? undefined : Buffer.from(buffer.subarray(offset));
  };
}

/** The command a client's wire message carries (an opcode in parentheses when it names none). */
export function commandName(message: Buffer): string {
  const opCode = message.readInt32LE(12);
  if (opCode === opMsg) {
    // flagBits, then sections: kind 0 is the command document, kind 1 a sequence of documents (size-prefixed).
    const checksum = (message.readUInt32LE(16) & 1) === 1 ? 4 : 0;
    for (let offset = 20; offset < message.length - checksum; offset += 1 + message.readInt32LE(offset + 1)) {
      if (message[offset] === 0) return firstKey(message, offset + 1);
    }
    return "(OP_MSG without body)";
  }
  if (opCode === opQuery) {
    // flags, full collection name (C string), numberToSkip, numberToReturn, then the query.
    return firstKey(message, message.indexOf(0, 20) + 1 + 8);
  }
  return opCode === opCompressed ? "(compressed)" : `(opCode ${opCode})`;
}

/** The first field name of the BSON document at `start` (its int32 size, then a type byte, then the name). */
function firstKey(message: Buffer, start: number): string {
  const name = start + 5;
  return message.toString("utf8", name, message.indexOf(0, name));
}

/** `uri` with its host and port replaced by the proxy's (a single host; credentials and options kept). */
export function throughProxy(uri: string, port: number): string {
  const url = new URL(uri);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  if (url.pathname === "") url.pathname = "/";
  // A replica set member would otherwise tell the driver its real address, to be reached directly.
  if (!url.searchParams.has("directConnection")) url.searchParams.set("directConnection", "true");
  return url.toString();
}

/** The host and port of a single-host `mongodb://` URI. */
export function targetOf(uri: string): { host: string; port: number } {
  const url = new URL(uri);
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 27017) };
}
