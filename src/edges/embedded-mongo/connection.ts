/**
 * One client connection: cuts the byte stream into messages and answers them one at a time,
 * in order (so a connection's writes never reorder). OP_QUERY gets OP_REPLY (the legacy
 * handshake); OP_MSG gets OP_MSG, except when the client set moreToCome (unacknowledged).
 */
import type { Socket } from "node:net";
import type { Document } from "bson";
import { runCommand } from "./commands/dispatch.ts";
import type { ServerState } from "./commands/context.ts";
import { FrameReader } from "./wire/frame-reader.ts";
import { OP_MSG, OP_QUERY, readHeader } from "./wire/header.ts";
import { encodeOpMsg, MORE_TO_COME, parseOpMsg } from "./wire/op-msg.ts";
import { encodeOpReply, parseOpQuery } from "./wire/op-query.ts";

export class Connection {
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  private readonly clientAddress: string;

  constructor(
    private readonly socket: Socket,
    private readonly server: ServerState,
    private readonly connectionId: number,
  ) {
    this.clientAddress = `${socket.remoteAddress ?? "127.0.0.1"}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("error", () => socket.destroy());
  }

  private receive(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      this.queue = this.queue.then(() => this.answer(frame)).catch(() => {
        this.socket.destroy();
      });
    }
  }

  private async answer(frame: Buffer): Promise<void> {
    const header = readHeader(frame);
    if (header.opCode === OP_MSG) {
      const { flags, command } = parseOpMsg(frame);
      const reply = await this.run(command, typeof command.$db === "string" ? command.$db : "admin");
      if (!(flags & MORE_TO_COME)) this.send(encodeOpMsg(header.requestId, reply));
      return;
    }
    if (header.opCode === OP_QUERY) {
      const { fullCollectionName, query } = parseOpQuery(frame);
      const command = (query.$query ?? query) as Document;
      const reply = await this.run(command, fullCollectionName.split(".")[0] ?? "admin");
      this.send(encodeOpReply(header.requestId, reply));
      return;
    }
    // Compression is never advertised and legacy CRUD opcodes are gone since MongoDB 6.
    this.socket.destroy();
  }

  private run(command: Document, db: string): Promise<Document> {
    return runCommand(command, { server: this.server, connectionId: this.connectionId, db, clientAddress: this.clientAddress });
  }

  private send(frame: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(frame);
  }
}
