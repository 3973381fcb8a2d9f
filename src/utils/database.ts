/**
 * The template's database helpers, at the path course code imports them from
 * (`@utils/database.ts`): `getDb()` and `testDb()` answer `[db, client]`, `freshID()` a
 * UUID v7. They choose the database as `npm start` does: `MONGODB_URL` (with `MONGODB_DB`)
 * when set, otherwise the embedded server (on `DATA_DIR`, or in memory for tests).
 */
import { MongoClient, type Db } from "mongodb";
import { connectDatabase, type DatabaseConnection } from "../edges/database.ts";
import { ID } from "./types.ts";
import { uuidV7 } from "./uuid-v7.ts";

/** A fresh id: a UUID v7, so later ids sort later. */
export function freshID(): ID {
  return ID(uuidV7());
}

function dbName(): string {
  return process.env.MONGODB_DB ?? "focus";
}

/** The application's database, as `npm start` opens it; `client.close()` also stops an embedded server it started. */
export async function getDb(): Promise<[Db, MongoClient]> {
  const connection = await connectDatabase({ mongodbUrl: process.env.MONGODB_URL, dbName: dbName(), dataDir: process.env.DATA_DIR ?? "./data" });
  return [connection.db, closingEverything(connection)];
}

/** The in-memory embedded server that `testDb()` shares within this process when no server is given. */
let inMemory: Promise<DatabaseConnection> | undefined;

/**
 * A test database, emptied: `test-<MONGODB_DB>` (one per test worker, so files running in
 * parallel never empty each other's). Under `npm test` it lives on the suite's server;
 * elsewhere on `MONGODB_URL`, or on an in-memory embedded server shared by the process.
 */
export async function testDb(): Promise<[Db, MongoClient]> {
  const worker = process.env.VITEST_POOL_ID ?? process.env.VITEST_WORKER_ID;
  const name = `test-${dbName()}${worker === undefined ? "" : `-${worker}`}`;
  const url = process.env.TEST_MONGODB_URL ?? process.env.MONGODB_URL;
  let connection: DatabaseConnection;
  if (url !== undefined) {
    connection = await connectDatabase({ mongodbUrl: url, dbName: name, dataDir: "" });
  } else {
    inMemory ??= connectDatabase({ dbName: name, dataDir: "", inMemory: true });
    const shared = await inMemory;
    // Each caller closes its own client (as the template's tests do); the server stays for the next.
    const client = await MongoClient.connect(shared.embedded?.uri ?? "");
    connection = { client, db: client.db(name), close: () => client.close() };
  }
  const collections = await connection.db.collections();
  await Promise.all(collections.map((collection) => collection.drop()));
  return [connection.db, connection.client];
}

/** The connection's client, whose `close()` also stops the embedded server the connection started. */
function closingEverything({ client, embedded }: DatabaseConnection): MongoClient {
  if (embedded === undefined) return client;
  const closeClient = client.close.bind(client);
  client.close = async (force?: boolean) => {
    await closeClient(force);
    await embedded.stop();
  };
  return client;
}
