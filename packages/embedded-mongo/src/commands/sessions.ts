/**
 * Sessions are advertised and accepted; transactions are refused exactly as a standalone
 * mongod refuses them (there is no replica set to make them real).
 */
import { UUID, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { CommandTable } from "./context.ts";

function transactionsUnsupported(): MongoServerFailure {
  return new MongoServerFailure(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos");
}

export function refuseTransactions(command: Document): void {
  if (command.txnNumber !== undefined) throw transactionsUnsupported();
}

export const sessionCommands: CommandTable = {
  startsession: (_command, context) => {
    const id = { id: new UUID() };
    context.server.sessions?.touch(id, context.auth.user);
    return { id, timeoutMinutes: 30, ok: 1 };
  },
  endsessions: (command, context) => {
    context.server.sessions?.end(command.endSessions);
    return { ok: 1 };
  },
  refreshsessions: () => ({ ok: 1 }),
  killsessions: () => ({ ok: 1 }),
  killallsessions: () => ({ ok: 1 }),
  committransaction: () => {
    throw transactionsUnsupported();
  },
  aborttransaction: () => {
    throw transactionsUnsupported();
  },
};
