/**
 * The cap on open connections, as mongod's `maxIncomingConnections`: each connection may hold
 * up to 32 MiB of unsent replies and unread requests (connection.ts), so their number bounds
 * the server's memory. Past the cap, a new connection is answered, to its first message, an
 * error saying so (mongod only closes it; a reason reads better in a client's error), then
 * closed. It never reaches a command handler, logged in or not.
 */
import type { Socket } from "node:net";
import type { Document } from "bson";
import { FrameReader } from "./wire/frame-reader.ts";
import { OP_MSG } from "./wire/header.ts";
import { parseMessage } from "./wire/message.ts";
import { encodeOpMsg } from "./wire/op-msg.ts";
import { encodeOpReply } from "./wire/op-query.ts";

/** Open connections at most, by default (mongod's default is in effect the process's file limit). */
export const MAX_CONNECTIONS = 2000;

/** How long a refused connection may take to send its first message. */
const REFUSAL_WAIT_MS = 2000;

export function refuseConnection(socket: Socket, limit: number): void {
  const reader = new FrameReader();
  const reply: Document = {
    ok: 0,
    errmsg: `too many open connections: this server accepts at most ${limit} (its maxConnections); close idle clients or raise the limit`,
    code: 9001,
    codeName: "SocketException",
  };
  socket.setTimeout(REFUSAL_WAIT_MS, () => socket.destroy());
  socket.on("error", () => socket.destroy());
  socket.on("data", (chunk: Buffer) => {
    try {
      const [frame] = reader.push(chunk);
      if (frame === undefined) return;
      const request = parseMessage(frame);
      socket.end(request.opCode === OP_MSG ? encodeOpMsg(request.requestId, reply) : encodeOpReply(request.requestId, reply));
    } catch {
      socket.destroy();
    }
  });
}
