/**
 * The one place that chooses the database: a real MongoDB deployment when `mongodbUrl` is
 * given (MONGODB_URL), otherwise the embedded server on `dataDir` (or in memory).
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
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

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseConnection> {
  if (options.mongodbUrl) {
    const client = await MongoClient.connect(options.mongodbUrl);
    return { client, db: client.db(options.dbName), close: () => client.close() };
  }
  // Its own database, reachable by no other process: loopback, and a login made up for this run.
  const credentials = { user: "focus-backend", password: randomBytes(24).toString("base64url") };
  const embedded = await startEmbeddedMongo({ dataDir: options.dataDir, inMemory: options.inMemory === true, credentials });
  try {
    const client = await MongoClient.connect(embedded.uri);
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
