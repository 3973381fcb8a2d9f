/** Routes a command document to its handler and turns failures into mongod's error replies. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { aggregateCommands } from "./aggregate.ts";
import { authCommands, requireLogin } from "./auth.ts";
import { bulkWriteCommands } from "./bulk-write.ts";
import { collectionCommands } from "./collections.ts";
import type { CommandContext, CommandHandler } from "./context.ts";
import { crudReadCommands } from "./crud-read.ts";
import { crudWriteCommands } from "./crud-write.ts";
import { failPointCommands, withFailPoints } from "./fail-points.ts";
import { handshakeCommands } from "./handshake.ts";
import { indexCommands } from "./indexes.ts";
import { requireRights } from "./rights.ts";
import { refuseTransactions, sessionCommands } from "./sessions.ts";
import { deadlineOf } from "./time-limit.ts";

const HANDLERS = new Map<string, CommandHandler>(
  Object.entries({
    ...handshakeCommands,
    ...authCommands,
    ...sessionCommands,
    ...crudWriteCommands,
    ...crudReadCommands,
    ...aggregateCommands,
    ...indexCommands,
    ...collectionCommands,
    ...failPointCommands,
    ...bulkWriteCommands,
  }),
);

export function errorReply(error: unknown): Document {
  if (error instanceof MongoServerFailure) {
    return { ok: 0, errmsg: error.message, code: error.code, codeName: error.codeName, ...error.extra };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { ok: 0, errmsg: message, code: 1, codeName: "InternalError" };
}

export async function runCommand(command: Document, context: CommandContext): Promise<Document> {
  const name = Object.keys(command)[0] ?? "";
  const handler = HANDLERS.get(name.toLowerCase());
  try {
    requireLogin(name, context);
    requireRights(name, command, context);
    if (!handler) throw new MongoServerFailure(59, "CommandNotFound", `no such command: '${name}'`);
    refuseTransactions(command);
    if (command.lsid !== undefined) context.server.sessions?.touch(command.lsid, context.auth.user);
    const deadline = deadlineOf(command, context.server.defaultMaxTimeMS);
    const bounded = deadline === undefined ? context : { ...context, deadline };
    // Only a server with test commands pays for the fail point wrapper (commands are hot).
    if (!context.server.failPoints) return await handler(command, bounded);
    return await withFailPoints(name, context, async () => handler(command, bounded));
  } catch (error) {
    return errorReply(error);
  }
}
