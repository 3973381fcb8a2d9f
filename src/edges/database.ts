/**
 * The one place that chooses the database: a real MongoDB deployment when `mongodbUrl` is
 * given (MONGODB_URL), otherwise the embedded server on `dataDir` (or in memory).
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db, type MongoClientOptions } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "@focus/embedded-mongo";

export interface DatabaseOptions {
  /** A real deployment's connection string; unset means the embedded server. */
  mongodbUrl?: string;
  dbName: string;
  /** The embedded server's data directory. */
  dataDir: string;
  /** Keep the embedded server's data in memory only (tests). */
  inMemory?: boolean;
}

export interface DatabaseConnection {
  client: MongoClient;
  db: Db;
  /** Closes the client, then stops the embedded server if this connection started one. */
  close(): Promise<void>;
  /** The embedded server, when no real deployment was given (its `uri` lets other processes share it). */
  embedded?: EmbeddedMongo;
}

/**
 * How long an operation may wait for the database before the driver gives up on it. The
 * driver's defaults (30 s to find a server, 30 s to connect) would keep a request waiting, and
 * its write queued, for as long as the database is away; the write would then run when the
 * database came back, long after its client was answered. With these bounds an operation that
 * was not sent within 2 s fails (a transient error the engine retries within its deadline), so
 * by the time a request is answered 503 nothing of it is left waiting in the driver.
 */
export const driverOptions: MongoClientOptions = { serverSelectionTimeoutMS: 2_000, connectTimeoutMS: 2_000 };

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseConnection> {
  if (options.mongodbUrl) {
    const client = await MongoClient.connect(options.mongodbUrl, driverOptions);
    return { client, db: client.db(options.dbName), close: () => client.close() };
  }
  // Its own database, reachable by no other process: loopback, and a login made up for this run.
  const credentials = { user: "focus-backend", password: randomBytes(24).toString("base64url") };
  const embedded = await startEmbeddedMongo({ dataDir: options.dataDir, inMemory: options.inMemory === true, credentials });
  try {
    const client = await MongoClient.connect(embedded.uri, driverOptions);
    return {
      client,
      db: client.db(options.dbName),
      embedded,
      close: async () => {
        await client.close();
        await embedded.stop();
      },
    };
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
