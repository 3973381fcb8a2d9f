/**
 * One test database per concept test file, emptied before each test (indexes stay), so that
 * every test starts from no data while the file pays for one database only.
 */
import type { Db } from "mongodb";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { testDatabase } from "../support/database.ts";

/** Registers the hooks; call the returned function inside a test or hook for the database. */
export function useConceptDatabase(): () => Db {
  let database: Awaited<ReturnType<typeof testDatabase>> | undefined;
  beforeAll(async () => {
    database = await testDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  beforeEach(async () => {
    const collections = await db().collections();
    await Promise.all(collections.map((collection) => collection.deleteMany({})));
  });
  const db = (): Db => {
    if (database === undefined) throw new Error("the test database is not open yet");
    return database.db;
  };
  return db;
}
