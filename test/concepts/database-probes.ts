/**
 * Looking at what a concept asks of the database, on the real server (no mocks): the
 * commands it sends, and what it leaves behind when its process dies between two writes.
 */
import { MongoClient, type CommandStartedEvent, type Db } from "mongodb";
import { afterEach, beforeEach, inject } from "vitest";

/** A second connection to a test database that records every command sent through it. */
export interface CommandLog {
  /** The same database as the one given, through the recording connection. */
  readonly db: Db;
  /** Commands since the last `take()`, each as "<command> <collection>", then forgets them. */
  take(): string[];
  close(): Promise<void>;
}

export async function commandLog(database: Db): Promise<CommandLog> {
  const client = await MongoClient.connect(inject("mongoUri"), { monitorCommands: true });
  let commands: string[] = [];
  client.on("commandStarted", (event: CommandStartedEvent) => {
    if (event.databaseName === database.databaseName) commands.push(`${event.commandName} ${String(event.command[event.commandName])}`);
  });
  return {
    db: client.db(database.databaseName),
    take: () => {
      const taken = commands;
      commands = [];
      return taken;
    },
    close: () => client.close(),
  };
}

/** A fresh `commandLog` of `database()` for each test of the file (closed after it); call the answer for the current one. */
export function useCommandLog(database: () => Db): () => CommandLog {
  let log: CommandLog | undefined;
  beforeEach(async () => {
    log = await commandLog(database());
  });
  afterEach(async () => {
    await log?.close();
    log = undefined;
  });
  return () => {
    if (log === undefined) throw new Error("useCommandLog: no test is running");
    return log;
  };
}

const writeMethods = new Set([
  "insertOne",
  "insertMany",
  "updateOne",
  "updateMany",
  "replaceOne",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
  "deleteOne",
  "deleteMany",
  "bulkWrite",
]);

/** What a process that was killed answers (it never answers: its caller sees this). */
export class Killed extends Error {
  constructor() {
    super("the process was killed");
  }
}

/**
 * The database as a process sees it that is killed right after its `writes`-th write to one
 * of `collections` reaches the server: that write is done, its answer is lost, and every
 * later call of the process fails with `Killed` without reaching the server.
 */
export function killedAfterWrites(database: Db, writes: number, collections: readonly string[]): Db {
  let done = 0;
  const dead = () => done >= writes;
  return new Proxy(database, {
    get(target, property) {
      if (property !== "collection") {
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      }
      return (name: string) => {
        const collection = target.collection(name);
        return new Proxy(collection, {
          get(inner, method) {
            const value: unknown = Reflect.get(inner, method, inner);
            if (typeof value !== "function") return value;
            const call = (...args: unknown[]) => (value as (...args: unknown[]) => unknown).apply(inner, args);
            if (typeof method !== "string" || !writeMethods.has(method) || !collections.includes(name)) {
              return (...args: unknown[]) => {
                if (dead()) throw new Killed();
                return call(...args);
              };
            }
            return async (...args: unknown[]) => {
              if (dead()) throw new Killed();
              await call(...args);
              done += 1;
              if (dead()) throw new Killed();
            };
          },
        });
      };
    },
  });
}
