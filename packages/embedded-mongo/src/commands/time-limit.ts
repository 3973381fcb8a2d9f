/**
 * `maxTimeMS`, as mongod has it: a command given one (or, failing that, the server's default
 * limit) that runs past it answers 50 MaxTimeMSExpired. Scans check the clock as they go, so
 * a command that would read forever (a huge collection, a costly filter) is cut off.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";

/**
 * Commands the server's default limit leaves alone: as mongod 8's `defaultMaxTimeMS`, it bounds
 * reads only (a write cut off half-way would leave part of it done); their own `maxTimeMS` holds.
 */
const WRITES = new Set(["insert", "update", "delete", "findandmodify", "bulkwrite", "create", "createindexes", "drop", "dropdatabase", "dropindexes", "renamecollection", "collmod"]);

/**
 * When `command` must be done by (epoch ms): its own `maxTimeMS`, else `defaultMs`; undefined
 * when neither sets a limit (0 means none, as in mongod). It travels on the command's context
 * to the scans, which check it (no async context tracking on every promise of the server).
 */
export function deadlineOf(command: Document, defaultMs: number | undefined): number | undefined {
  const limit = limitOf(command.maxTimeMS) ?? (WRITES.has((Object.keys(command)[0] ?? "").toLowerCase()) ? 0 : (defaultMs ?? 0));
  return limit > 0 ? Date.now() + limit : undefined;
}

/** Throws 50 MaxTimeMSExpired when `deadline` has passed. */
export function checkDeadline(deadline: number | undefined): void {
  if (deadline !== undefined && Date.now() > deadline) throw new MongoServerFailure(50, "MaxTimeMSExpired", "operation exceeded time limit");
}

function limitOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "number" ? value : typeof value === "bigint" ? Number(value) : Number((value as { valueOf(): unknown }).valueOf());
  if (!Number.isInteger(number) || number < 0 || number > 2 ** 31 - 1) {
    throw new MongoServerFailure(2, "BadValue", "maxTimeMS must be a non-negative integer less than 2^31");
  }
  return number;
}
