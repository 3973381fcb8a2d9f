/**
 * Starts the one database server the whole suite shares and provides its URI as
 * `inject("mongoUri")`: a real deployment from MONGODB_URL, a real mongod from
 * MONGOMS_SYSTEM_BINARY (through mongodb-memory-server), or the embedded server in memory.
 */
import type { TestProject } from "vitest/node";
import { startEmbeddedMongo } from "../../src/index.ts";

declare module "vitest" {
  export interface ProvidedContext {
    mongoUri: string;
    /** "embedded", "mongod" or "external": which kind of server the suite runs against. */
    mongoKind: "embedded" | "mongod" | "external";
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URL;
  if (external) {
    project.provide("mongoUri", external);
    project.provide("mongoKind", "external");
    return async () => {};
  }
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    const { MongoMemoryServer } = await import("mongodb-memory-server-core");
    // Test commands (configureFailPoint) on, as the embedded server below.
    const mongod = await MongoMemoryServer.create({ instance: { args: ["--setParameter", "enableTestCommands=1"] } });
    project.provide("mongoUri", mongod.getUri());
    project.provide("mongoKind", "mongod");
    return async () => {
      await mongod.stop();
    };
  }
  const embedded = await startEmbeddedMongo({ inMemory: true, enableTestCommands: true });
  project.provide("mongoUri", embedded.uri);
  project.provide("mongoKind", "embedded");
  return () => embedded.stop();
}
