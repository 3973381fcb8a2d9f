/** What a command handler gets: the server's state and the connection it runs for. */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { ConnectionAuth, ScramCredential } from "./auth.ts";
import type { CursorRegistry } from "../cursors.ts";
import type { FailPoints } from "./fail-points.ts";
import type { LocalSessions } from "./local-sessions.ts";
import type { JournalRecord, Persistence } from "../storage/persistence.ts";
import type { Store } from "../storage/store.ts";

export interface ServerState {
  readonly store: Store;
  readonly cursors: CursorRegistry;
  readonly persistence: Persistence;
  readonly startedAt: Date;
  readonly host: string;
  port: number;
  readonly inMemory: boolean;
  /** Open client connections. */
  readonly connections: number;
  /** The time limit of a command that gives no `maxTimeMS` (0 or absent: none). */
  readonly defaultMaxTimeMS?: number;
  /** The users who may log in, by name; when set, every connection must log in (SCRAM-SHA-256). */
  readonly users?: ReadonlyMap<string, ScramCredential>;
  /** The server's secret for unknown names' salts (auth.ts), made with `users`. */
  readonly decoySaltKey?: Buffer;
  /** The sessions commands named in their `lsid` ($listLocalSessions). */
  readonly sessions?: LocalSessions;
  /** Present only when test commands are enabled (`configureFailPoint`). */
  readonly failPoints?: FailPoints;
}

export interface CommandContext {
  readonly server: ServerState;
  readonly connectionId: number;
  /** Database named by `$db`. */
  readonly db: string;
  readonly clientAddress: string;
  /** This connection's login. */
  readonly auth: ConnectionAuth;
  /** When the command must be done by (epoch ms; `maxTimeMS` or the server's default), if ever. */
  readonly deadline?: number;
  /** Drops this connection at once (a fail point's `closeConnection`). */
  readonly closeConnection?: () => void;
}

export type CommandHandler = (command: Document, context: CommandContext) => Document | Promise<Document>;
export type CommandTable = Record<string, CommandHandler>;

/** Makes a write's journal records durable before the write is acknowledged. */
export async function commit(context: CommandContext, log: JournalRecord[], command: Document): Promise<void> {
  if (log.length === 0) return;
  const writeConcern = command.writeConcern as Document | undefined;
  await context.server.persistence.append(log, { durable: writeConcern?.j === true || writeConcern?.fsync === true });
}

/** The collection a command names in its first field (`{ find: "users" }`). */
export function collectionName(command: Document): string {
  const name = Object.values(command)[0];
  if (typeof name !== "string" || name.length === 0) {
    throw new MongoServerFailure(73, "InvalidNamespace", `collection name has invalid type ${typeof name}`);
  }
  return name;
}
