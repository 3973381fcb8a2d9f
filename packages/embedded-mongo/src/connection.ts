/**
 * One client connection: cuts the byte stream into messages and answers them one at a time,
 * in order (so a connection's writes never reorder). OP_QUERY gets OP_REPLY (the legacy
 * handshake); OP_MSG gets OP_MSG, except when the client set moreToCome (unacknowledged).
 */
import type { Socket } from "node:net";
import type { Document } from "bson";
import type { ConnectionAuth } from "./commands/auth.ts";
import { runCommand } from "./commands/dispatch.ts";
import type { ServerState } from "./commands/context.ts";
import { FrameReader } from "./wire/frame-reader.ts";
import { OP_MSG } from "./wire/header.ts";
import { parseMessage, type WireRequest } from "./wire/message.ts";
import { encodeOpMsg, MORE_TO_COME } from "./wire/op-msg.ts";
import { encodeOpReply } from "./wire/op-query.ts";

/**
 * Backpressure: while more than this many reply bytes wait to be sent (the client does not
 * read them), the connection stops reading and stops running requests, until they drain.
 * mongod answers one message at a time, so it never holds more than one reply either.
 */
export const MAX_UNSENT_REPLY_BYTES = 16 * 1024 * 1024;
/** Requests received and not yet answered beyond this, and the connection stops reading. */
export const MAX_QUEUED_REQUEST_BYTES = 16 * 1024 * 1024;

export class Connection {
  private readonly reader = new FrameReader();
  private queue: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private readingPaused = false;
  private readonly clientAddress: string;
  private readonly auth: ConnectionAuth = {};

  constructor(
    private readonly socket: Socket,
    private readonly server: ServerState,
    private readonly connectionId: number,
    /** Told once, when this connection first logs in (admission.ts); cleared then. */
    private onLogin?: () => void,
  ) {
    this.clientAddress = `${socket.remoteAddress ?? "127.0.0.1"}:${socket.remotePort ?? 0}`;
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.receive(chunk));
    socket.on("drain", () => this.updateReading());
    socket.on("error", () => socket.destroy());
  }

  /**
   * Frames are parsed as they arrive, not when their turn comes: the first one that does not
   * parse closes the connection at once (the ones before it still run, as mongod would have run
   * them; their replies go nowhere).
   */
  private receive(chunk: Buffer): void {
    if (this.socket.destroyed) return;
    let frames: Buffer[];
    try {
      frames = this.reader.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const frame of frames) {
      let request: WireRequest;
      try {
        request = parseMessage(frame);
      } catch {
        this.socket.destroy();
        return;
      }
      this.queuedBytes += frame.length;
      this.queue = this.queue
        .then(async () => {
          await this.repliesDrained();
          await this.answer(request);
        })
        .catch(() => {
          this.socket.destroy();
        })
        .finally(() => {
          this.queuedBytes -= frame.length;
          this.updateReading();
        });
    }
    this.updateReading();
  }

  /** Pauses reading while replies or requests pile up beyond their bounds, resumes once they do not. */
  private updateReading(): void {
    if (this.socket.destroyed) return;
    const full = this.socket.writableLength > MAX_UNSENT_REPLY_BYTES || this.queuedBytes > MAX_QUEUED_REQUEST_BYTES;
    if (full && !this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    } else if (!full && this.readingPaused) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  /** Resolves once the unsent replies are within their bound (at once when they are, or the socket is gone). */
  private repliesDrained(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed || socket.writableLength <= MAX_UNSENT_REPLY_BYTES) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        socket.off("drain", done);
        socket.off("close", done);
        resolve();
      };
      socket.on("drain", done);
      socket.on("close", done);
    });
  }

  private async answer(request: WireRequest): Promise<void> {
    if (request.opCode === OP_MSG) {
      const { flags, command } = request;
      const reply = await this.run(command, typeof command.$db === "string" ? command.$db : "admin");
      this.noticeLogin();
      if (!(flags & MORE_TO_COME)) this.send(encodeOpMsg(request.requestId, reply));
      return;
    }
    const command = (request.query.$query ?? request.query) as Document;
    const reply = await this.run(command, request.fullCollectionName.split(".")[0] ?? "admin");
    this.noticeLogin();
    this.send(encodeOpReply(request.requestId, reply));
  }

  private noticeLogin(): void {
    if (this.onLogin === undefined || this.auth.user === undefined) return;
    const notify = this.onLogin;
    this.onLogin = undefined;
    notify();
  }

  /** A fail point may drop the connection (made once: commands are hot). */
  private readonly closeSocket = (): void => {
    this.socket.destroy();
  };

  private run(command: Document, db: string): Promise<Document> {
    return runCommand(command, {
      server: this.server,
      connectionId: this.connectionId,
      db,
      clientAddress: this.clientAddress,
      auth: this.auth,
      closeConnection: this.closeSocket,
    });
  }

  private send(frame: Buffer): void {
    if (this.socket.destroyed) return;
    this.socket.write(frame);
    this.updateReading();
  }
}
