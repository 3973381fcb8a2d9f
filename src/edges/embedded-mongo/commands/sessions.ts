/**
 * Sessions are advertised and accepted; transactions are refused exactly as a standalone
 * mongod refuses them (there is no replica set to make them real).
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { CommandTable } from "./context.ts";

export function refuseTransactions(command: Document): void {
  if (command.txnNumber !== undefined) {
    throw new MongoServerFailure(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos");
  }
}

export const sessionCommands: CommandTable = {
  endsessions: () => ({ ok: 1 }),
  refreshsessions: () => ({ ok: 1 }),
  killsessions: () => ({ ok: 1 }),
  killallsessions: () => ({ ok: 1 }),
  startsession: () => {
    throw new MongoServerFailure(59, "CommandNotFound", "no such command: 'startSession'");
  },
  committransaction: (command) => {
    refuseTransactions(command);
    throw new MongoServerFailure(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos");
  },
  aborttransaction: (command) => {
    refuseTransactions(command);
    throw new MongoServerFailure(20, "IllegalOperation", "Transaction numbers are only allowed on a replica set member or mongos");
  },
};
