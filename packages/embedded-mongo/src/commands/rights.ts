/**
 * Who may touch which database, as mongod's built-in roles have it, in two kinds of login:
 * - the server's `credentials` user is an administrator (mongod's `root`): every database;
 * - a user of `users` (`{ user, password, database }`) owns one database (mongod's `dbOwner`
 *   on it): commands on any other database, and writes that reach into one — cross-database
 *   `$out` and `$merge`, `renameCollection` to or from another database — answer 13
 *   Unauthorized, as they do for a mongod user who has rights on the current database only.
 * Without users (no `credentials`), the server is open and nothing here applies.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { CommandContext } from "./context.ts";

/**
 * Commands any logged-in user may send to any database: the handshake, sessions and what mongod
 * grants everyone (hostInfo, getLog, getCmdLineOpts need mongod's clusterMonitor: refused, as
 * there; mongosh and Compass go on without them).
 */
const ANYWHERE = new Set([
  "hello", "ismaster", "saslstart", "saslcontinue", "buildinfo", "ping", "endsessions", "logout", "getnonce",
  "connectionstatus", "listdatabases", "killsessions",
]);

/** The one database this connection's user may use; undefined when it may use all. */
export function scopeOf(context: CommandContext): string | undefined {
  const user = context.auth.user;
  return user === undefined ? undefined : context.server.users?.get(user)?.database;
}

/**
 * Throws 13 Unauthorized when this connection's user has no rights on the command's database,
 * or, for the commands run against admin that name namespaces (renameCollection, bulkWrite),
 * on one of the databases they name.
 */
export function requireRights(name: string, command: Document, context: CommandContext): void {
  const scope = scopeOf(context);
  if (scope === undefined) return;
  const lower = name.toLowerCase();
  const named = context.db === "admin" ? namedNamespaces(lower, command) : undefined;
  if (named !== undefined) {
    for (const ns of named) requireRightsOn(context, ns.split(".")[0] ?? "", name);
    return;
  }
  if (context.db === scope || ANYWHERE.has(lower)) return;
  throw unauthorized(context.db, name);
}

/** The namespaces an admin command acts on, for the commands that name them. */
function namedNamespaces(command: string, body: Document): string[] | undefined {
  if (command === "renamecollection") return [String(body.renameCollection), String(body.to)];
  if (command === "bulkwrite") return Array.isArray(body.nsInfo) ? body.nsInfo.map((entry: unknown) => String((entry as Document | null)?.ns)) : [];
  return undefined;
}

/** What `connectionStatus` reports of this connection's login, in mongod's terms (root, or dbOwner of one database). */
export function authInfo(context: CommandContext): Document {
  const user = context.auth.user;
  if (user === undefined) return { authenticatedUsers: [], authenticatedUserRoles: [] };
  const scope = scopeOf(context);
  return {
    authenticatedUsers: [{ user, db: "admin" }],
    authenticatedUserRoles: [scope === undefined ? { role: "root", db: "admin" } : { role: "dbOwner", db: scope }],
  };
}

/** Throws 13 Unauthorized when this connection's user may not write into `db` (a command's output elsewhere). */
export function requireRightsOn(context: CommandContext, db: string, command: string): void {
  const scope = scopeOf(context);
  if (scope !== undefined && db !== scope) throw unauthorized(db, command);
}

/** The database a pipeline's last stage writes into (`$out`, `$merge`), when it names one. */
export function outputDatabase(pipeline: unknown, db: string): string | undefined {
  if (!Array.isArray(pipeline) || pipeline.length === 0) return undefined;
  const last = pipeline[pipeline.length - 1] as Document | null;
  if (last === null || typeof last !== "object") return undefined;
  const target: unknown = "$out" in last ? last.$out : "$merge" in last ? mergeTarget(last.$merge) : undefined;
  if (target === undefined) return undefined;
  if (target !== null && typeof target === "object" && "db" in target) return String((target as Document).db);
  return db;
}

function mergeTarget(spec: unknown): unknown {
  return spec !== null && typeof spec === "object" && "into" in spec ? (spec as Document).into : spec;
}

function unauthorized(db: string, command: string): MongoServerFailure {
  return new MongoServerFailure(13, "Unauthorized", `not authorized on ${db} to execute command ${command}`);
}
