/**
 * `maxTimeMS`, as mongod has it: a command given one (or, failing that, the server's default
 * limit) that runs past it answers 50 MaxTimeMSExpired. Scans check the clock as they go, so
 * a command that would read forever (a huge collection, a costly filter) is cut off.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";

const deadlines = new AsyncLocalStorage<number>();

/** Runs `command`'s handler under its time limit: its own `maxTimeMS`, else `defaultMs` (0 or absent: none). */
export function withTimeLimit<T>(command: Document, defaultMs: number | undefined, run: () => T): T {
  const limit = limitOf(command.maxTimeMS) ?? defaultMs ?? 0;
  if (limit <= 0) return run();
  return deadlines.run(Date.now() + limit, run);
}

/** Throws 50 MaxTimeMSExpired when the running command is past its limit. */
export function checkTimeLimit(): void {
  const deadline = deadlines.getStore();
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
