/**
 * The embedded MongoDB-compatible server: a TCP listener speaking the wire protocol over an
 * in-memory store, made durable by the journal when given a data directory.
 *
 *   const mongo = await startEmbeddedMongo({ dataDir: "./data" });
 *   const client = new MongoClient(mongo.uri);
 *   ...
 *   await mongo.stop();
 */
import { randomBytes } from "node:crypto";
import net from "node:net";
import type { Socket } from "node:net";
import type { Document } from "bson";
import type { ServerState } from "./commands/context.ts";
import { Connection } from "./connection.ts";
import { MAX_CONNECTIONS } from "./connection-cap.ts";
import { Admission, LOGIN_TIMEOUT_MS, MAX_UNAUTHENTICATED_CONNECTIONS } from "./admission.ts";
import { CursorRegistry } from "./cursors.ts";
import { openJournal, type JournalOptions } from "./journal/index.ts";
import { noPersistence, type JournalRecord, type Persistence } from "./storage/persistence.ts";
import { Store } from "./storage/store.ts";
import { sweepExpired } from "./storage/ttl.ts";
import { scramCredential, type ScramCredential } from "./commands/auth.ts";
import { FailPoints } from "./commands/fail-points.ts";
import { LocalSessions } from "./commands/local-sessions.ts";
import { decodeDocument, encodeDocument } from "./wire/bson-codec.ts";

export interface EmbeddedMongoOptions {
  /** Where data is kept; required unless `inMemory`. */
  dataDir?: string;
  /** Keep everything in memory (tests); the default when no `dataDir` is given. */
  inMemory?: boolean;
  /** Bind address, default 127.0.0.1. */
  host?: string;
  /** TCP port, default 0 (a free port). */
  port?: number;
  /** Journal tuning (compaction thresholds) when `dataDir` is used. */
  journal?: Pick<JournalOptions, "compactAfterBytes" | "compactRatio">;
  /** Run the server in a worker thread (its own core); the API server keeps the main thread. */
  worker?: boolean;
  /** How often TTL indexes are swept (mongod: 60 s), default 1 s. */
  ttlSweepIntervalMs?: number;
  /**
   * Require this login (SCRAM-SHA-256, as mongod with authorization enabled): a connection
   * that has not logged in runs only the handshake. The URI then carries the credentials.
   */
  credentials?: { user: string; password: string };
  /**
   * More logins, each with rights on one database only (mongod's dbOwner there): other
   * databases, and `$out`/`$merge`/`renameCollection` into them, answer 13 Unauthorized.
   * The `credentials` user is the administrator, with rights on every database.
   */
  users?: Array<{ user: string; password: string; database: string }>;
  /** The time limit of a read that sets no `maxTimeMS` (writes have none unless they set one), in ms; default 60,000 (0: none). */
  defaultMaxTimeMS?: number;
  /**
   * Serve the test commands, as mongod with `enableTestCommands`: `configureFailPoint`
   * (`failCommand`). Off by default: never in production.
   */
  enableTestCommands?: boolean;
  /** Idle time after which a cursor is closed (mongod's cursorTimeoutMillis), default 600,000 ms. */
  cursorTimeoutMs?: number;
  /** Open cursors at most on the whole server, default 1,000; past it a query that would leave one open answers 146. */
  maxOpenCursors?: number;
  /** Open connections at most (mongod's maxIncomingConnections), default 2,000; more are refused. */
  maxConnections?: number;
  /**
   * With a login required: how long a connection may take to log in before it is closed,
   * default 5,000 ms (admission.ts).
   */
  loginTimeoutMs?: number;
  /**
   * With a login required: connections waiting to log in at most, default 100; a new one past
   * it closes the oldest waiting. They never fill `maxConnections`.
   */
  maxUnauthenticatedConnections?: number;
}

export interface EmbeddedMongo {
  /** `mongodb://[user:password@]host:port/` to give the driver (directConnection included). */
  uri: string;
  port: number;
  /**
   * Whether this server holds its data directory's lock: with a data directory, from start
   * until `stop()`; in memory, never. The lock dies with its owner however it dies (see
   * journal/dir-lock.ts), so holding it also proves that the process that had the directory
   * before is gone: whatever it left pending can be taken over at once.
   */
  readonly holdsDataDirLock: boolean;
  stop(): Promise<void>;
}

/** Journal records in the storage's own representation (numbers narrowed as on the wire). */
const storageCodec = {
  encode: (record: JournalRecord): Uint8Array => encodeDocument(record as Document),
  decode: (bytes: Uint8Array): JournalRecord => decodeDocument(bytes) as JournalRecord,
};

async function openPersistence(options: EmbeddedMongoOptions, store: Store): Promise<Persistence> {
  if (options.inMemory || !options.dataDir) return noPersistence;
  return openJournal({ ...options.journal, dir: options.dataDir, store, codec: storageCodec });
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Background housekeeping: TTL deletions and idle cursors. */
function startSweeper(state: ServerState, intervalMs: number): NodeJS.Timeout {
  const timer = setInterval(() => {
    state.cursors.closeIdle(Date.now());
    const log = sweepExpired(state.store, Date.now());
    if (log.length) state.persistence.append(log, { durable: false }).catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return timer;
}

/** Who may log in: the administrator (`credentials`) and the database owners (`users`); nothing when neither is given. */
function userTable(options: EmbeddedMongoOptions): Pick<ServerState, "users" | "decoySaltKey"> {
  const users = new Map<string, ScramCredential>();
  for (const { user, password, database } of options.users ?? []) users.set(user, { ...scramCredential(user, password), database });
  if (options.credentials) users.set(options.credentials.user, scramCredential(options.credentials.user, options.credentials.password));
  return users.size === 0 ? {} : { users, decoySaltKey: randomBytes(32) };
}

function loginOf(credentials: EmbeddedMongoOptions["credentials"]): string {
  return credentials === undefined ? "" : `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.password)}@`;
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  if (options.worker) {
    const { startInWorker } = await import("./worker-host.ts");
    return startInWorker(options);
  }
  const host = options.host ?? "127.0.0.1";
  const store = new Store();
  const persistence = await openPersistence(options, store);
  const logins = userTable(options);
  const admission = new Admission({
    maxConnections: options.maxConnections ?? MAX_CONNECTIONS,
    loginRequired: logins.users !== undefined,
    loginTimeoutMs: options.loginTimeoutMs ?? LOGIN_TIMEOUT_MS,
    maxUnauthenticated: options.maxUnauthenticatedConnections ?? MAX_UNAUTHENTICATED_CONNECTIONS,
  });
  const state: ServerState = {
    store,
    cursors: new CursorRegistry({
      ...(options.cursorTimeoutMs !== undefined && { idleMs: options.cursorTimeoutMs }),
      ...(options.maxOpenCursors !== undefined && { maxOpen: options.maxOpenCursors }),
    }),
    persistence,
    startedAt: new Date(),
    host,
    port: 0,
    inMemory: persistence === noPersistence,
    get connections() {
      return admission.open;
    },
    defaultMaxTimeMS: options.defaultMaxTimeMS ?? 60_000,
    ...(options.enableTestCommands ? { failPoints: new FailPoints() } : {}),
    sessions: new LocalSessions(),
    ...logins,
  };
  const sockets = new Set<Socket>();
  let connectionIds = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const loggedIn = admission.admit(socket);
    if (loggedIn === undefined) return;
    connectionIds += 1;
    new Connection(socket, state, connectionIds, loggedIn);
  });
  state.port = await listen(server, options.port ?? 0, host);
  const sweeper = startSweeper(state, options.ttlSweepIntervalMs ?? 1000);
  const uriHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://${loginOf(options.credentials)}${uriHost}:${state.port}/?directConnection=true${options.credentials === undefined ? "" : "&authSource=admin"}`,
    port: state.port,
    get holdsDataDirLock() {
      return !state.inMemory && stopped === undefined;
    },
    stop: () =>
      (stopped ??= (async () => {
        clearInterval(sweeper);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await persistence.close();
      })()),
  };
}
