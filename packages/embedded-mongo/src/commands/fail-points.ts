/**
 * `configureFailPoint` with mongod's `failCommand` fail point, for drivers' and applications'
 * failure tests. As mongod, it exists only when test commands are enabled
 * (`enableTestCommands`); otherwise the command is unknown (59). Supported: modes `alwaysOn`,
 * `off`, `{ times }` and `{ skip }`; data `failCommands`, `errorCode`, `errmsg`,
 * `closeConnection`, `writeConcernError`, `errorLabels`, `blockConnection`/`blockTimeMS`.
 * Anything else is refused (BadValue), never silently ignored.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { CommandContext, CommandTable } from "./context.ts";

interface FailCommand {
  commands: ReadonlySet<string>;
  /** Triggers left (Infinity for alwaysOn). */
  remaining: number;
  /** Matching commands to let through first. */
  skip: number;
  data: Document;
}

/** What a triggered fail point does to one command. */
export interface InjectedFailure {
  closeConnection: boolean;
  blockMs: number;
  /** The error reply to send instead of running the command. */
  error?: Document;
  /** Run the command, then add this to its reply. */
  writeConcernError?: Document;
}

const DATA_FIELDS = new Set(["failCommands", "errorCode", "errmsg", "closeConnection", "writeConcernError", "errorLabels", "blockConnection", "blockTimeMS", "failInternalCommands"]);
const NEVER_FAILED = new Set(["configurefailpoint"]);

function badValue(message: string): MongoServerFailure {
  return new MongoServerFailure(2, "BadValue", message);
}

function parseMode(mode: unknown): { remaining: number; skip: number } {
  if (mode === "alwaysOn") return { remaining: Infinity, skip: 0 };
  if (mode === "off") return { remaining: 0, skip: 0 };
  if (mode && typeof mode === "object") {
    const { times, skip, ...rest } = mode as Document;
    if (Object.keys(rest).length === 0 && (times === undefined) !== (skip === undefined)) {
      const count = Number(times ?? skip);
      if (Number.isInteger(count) && count >= 0) return times !== undefined ? { remaining: count, skip: 0 } : { remaining: Infinity, skip: count };
    }
  }
  throw badValue(`unsupported fail point mode ${JSON.stringify(mode)}: use "alwaysOn", "off", { times: n } or { skip: n }`);
}

function parseData(data: unknown): Document {
  if (data === undefined) return {};
  if (!data || typeof data !== "object") throw badValue("'data' must be an object");
  const unknown = Object.keys(data).filter((key) => !DATA_FIELDS.has(key));
  if (unknown.length) throw badValue(`unsupported failCommand data: ${unknown.join(", ")}`);
  return data as Document;
}

/** The fail points of one server. */
export class FailPoints {
  private failCommand: FailCommand | undefined;

  configure(command: Document): Document {
    const name = command.configureFailPoint;
    if (name !== "failCommand") throw badValue(`unsupported fail point ${JSON.stringify(name)}: only failCommand is`);
    const { remaining, skip } = parseMode(command.mode);
    const data = parseData(command.data);
    if (remaining === 0) {
      this.failCommand = undefined;
      return { count: 0, ok: 1 };
    }
    const commands = data.failCommands;
    if (!Array.isArray(commands) || commands.some((entry) => typeof entry !== "string")) throw badValue("failCommand needs 'failCommands', an array of command names");
    this.failCommand = { commands: new Set(commands.map((entry: string) => entry.toLowerCase())), remaining, skip, data };
    return { count: 0, ok: 1 };
  }

  /** Whether the command named `name` is to fail now (and counts the trigger). */
  trigger(name: string): InjectedFailure | undefined {
    const point = this.failCommand;
    const lower = name.toLowerCase();
    if (!point || NEVER_FAILED.has(lower) || !point.commands.has(lower)) return undefined;
    if (point.skip > 0) {
      point.skip -= 1;
      return undefined;
    }
    point.remaining -= 1;
    if (point.remaining <= 0) this.failCommand = undefined;
    const { data } = point;
    const failure: InjectedFailure = {
      closeConnection: data.closeConnection === true,
      blockMs: data.blockConnection === true ? Number(data.blockTimeMS ?? 0) : 0,
    };
    if (data.writeConcernError) failure.writeConcernError = data.writeConcernError as Document;
    if (data.errorCode !== undefined) {
      failure.error = {
        ok: 0,
        code: data.errorCode,
        errmsg: data.errmsg ?? "Failing command via 'failCommand' failpoint",
        ...(data.errorLabels ? { errorLabels: data.errorLabels } : {}),
      };
    }
    return failure;
  }
}

function configureFailPoint(command: Document, context: CommandContext): Document {
  const points = context.server.failPoints;
  if (!points) throw new MongoServerFailure(59, "CommandNotFound", "no such command: 'configureFailPoint'");
  if (context.db !== "admin") throw new MongoServerFailure(13, "Unauthorized", "configureFailPoint may only be run against the admin database.");
  return points.configure(command);
}

export const failPointCommands: CommandTable = {
  configurefailpoint: configureFailPoint,
};

/** Runs `run` as the fail points say: blocked, failed, its connection closed, or with a write concern error added. */
export async function withFailPoints(name: string, context: CommandContext, run: () => Promise<Document>): Promise<Document> {
  const failure = context.server.failPoints?.trigger(name);
  if (!failure) return run();
  if (failure.blockMs > 0) await new Promise((resolve) => setTimeout(resolve, failure.blockMs));
  if (failure.closeConnection) {
    context.closeConnection?.();
    return { ok: 0, errmsg: "connection closed by the failCommand fail point", code: 6, codeName: "HostUnreachable" };
  }
  if (failure.error) return failure.error;
  const reply = await run();
  return failure.writeConcernError ? { ...reply, writeConcernError: failure.writeConcernError } : reply;
}
