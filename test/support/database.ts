/**
 * A fresh, uniquely named database on the suite's server for each call, dropped on close.
 * Tests never mock the database: this is the real server (embedded or mongod).
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, inject } from "vitest";

export interface TestDatabase {
  client: MongoClient;
  db: Db;
  close(): Promise<void>;
}

let sequence = 0;

export async function testDatabase(): Promise<TestDatabase> {
  sequence += 1;
  const name = `test_${process.pid}_${sequence}_${randomBytes(3).toString("hex")}`;
  const client = await MongoClient.connect(inject("mongoUri"));
  const db = client.db(name);
  return {
    client,
    db,
    close: async () => {
      await db.dropDatabase().catch(() => undefined);
      await client.close();
    },
  };
}

/** Which kind of server the suite runs against (some behaviours can only be observed on one). */
export function serverKind(): "embedded" | "mongod" | "external" {
  return inject("mongoKind");
}

/**
 * A test database for the enclosing `describe` (or file): created before its tests, dropped
 * after them. Read `.db` inside tests.
 */
export function useTestDatabase(): { readonly db: Db; readonly client: MongoClient } {
  let current: TestDatabase | undefined;
  beforeAll(async () => {
    current = await testDatabase();
  });
  afterAll(async () => {
    await current?.close();
  });
  return {
    get db() {
      if (!current) throw new Error("the test database is only available inside tests");
      return current.db;
    },
    get client() {
      if (!current) throw new Error("the test database is only available inside tests");
      return current.client;
    },
  };
}
