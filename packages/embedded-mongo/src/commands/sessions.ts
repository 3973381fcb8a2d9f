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
  startsession: () => ({ id: { id: new UUID() }, timeoutMinutes: 30, ok: 1 }),
  endsessions: () => ({ ok: 1 }),
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
