/** Per-statement failures of insert/update/delete, reported as mongod's `writeErrors`. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";

export interface WriteError extends Document {
  index: number;
  code: number;
  errmsg: string;
}

export function toWriteError(index: number, error: unknown): WriteError {
  if (error instanceof MongoServerFailure) {
    return { index, code: error.code, errmsg: error.message, ...error.extra };
  }
  return { index, code: 1, errmsg: error instanceof Error ? error.message : String(error) };
}

/**
 * Runs statements in order; an ordered batch stops at the first failure, an unordered one
 * goes on. Returns the write errors. A statement may await (its scan yields to others).
 */
export async function runStatements<T>(statements: T[], ordered: boolean, run: (statement: T, index: number) => void | Promise<void>): Promise<WriteError[]> {
  const errors: WriteError[] = [];
  for (let i = 0; i < statements.length; i++) {
    try {
      await run(statements[i]!, i);
    } catch (error) {
      errors.push(toWriteError(i, error));
      if (ordered) break;
    }
  }
  return errors;
}

export function withWriteErrors(reply: Document, errors: WriteError[]): Document {
  return errors.length ? { ...reply, writeErrors: errors, ok: 1 } : { ...reply, ok: 1 };
}
