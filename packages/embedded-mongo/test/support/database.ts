/**
 * A fresh, uniquely named database on the suite's server for each call, dropped on close.
 * Tests never mock the database: this is the real server (embedded or mongod).
 */
import { randomBytes } from "node:crypto";
import { MongoClient, type Db, type Document, type ObjectId, type UpdateFilter } from "mongodb";
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

/** A document of any shape whose `_id` is a number, a string or an ObjectId (typed driver calls in tests). */
export type AnyDocument = { _id: number | string | ObjectId; [field: string]: unknown };

/** An update for `AnyDocument` collections (the driver only types `$inc` on fields it knows to be numeric). */
export function anyUpdate(update: Document): UpdateFilter<AnyDocument> {
  return update as UpdateFilter<AnyDocument>;
}
