/**
 * Authentication as mongod does it: SCRAM-SHA-256 through the official driver; before login a
 * connection runs only the handshake (13 Unauthorized otherwise); `npm run db` requires a login,
 * generating its password into DATA_DIR (owner-only) and keeping it across restarts.
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, MongoServerError } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";
import { startCli } from "./support/cli-process.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "embedded-auth-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

function withoutLogin(uri: string): string {
  return uri.replace(/\/\/[^@/]+@/, "//").replace("&authSource=admin", "");
}

describe("SCRAM-SHA-256 login", () => {
  it("lets the driver in with the right password, and refuses a wrong one", async () => {
    const server = await startEmbeddedMongo({ inMemory: true, credentials: { user: "ada", password: "correct horse:battery@staple" } });
    cleanups.push(() => server.stop());
    expect(server.uri).toMatch(/^mongodb:\/\/ada:correct%20horse%3Abattery%40staple@127\.0\.0\.1:\d+\/\?directConnection=true&authSource=admin$/);
    const client = await MongoClient.connect(server.uri);
    cleanups.push(() => client.close());
    await client.db("focus").collection("notes").insertOne({ _id: 1 } as never);
    expect(await client.db("focus").collection("notes").countDocuments()).toBe(1);

    const wrong = new MongoClient(server.uri.replace("correct%20horse", "wrong%20horse"), { serverSelectionTimeoutMS: 2000 });
    cleanups.push(() => wrong.close());
    await expect(wrong.connect()).rejects.toThrow(/Authentication failed/);
    const stranger = new MongoClient(server.uri.replace("ada:", "eve:"), { serverSelectionTimeoutMS: 2000 });
    cleanups.push(() => stranger.close());
    await expect(stranger.connect()).rejects.toThrow(/Authentication failed/);
  });

  it("runs only the handshake for a connection that has not logged in: everything else is 13 Unauthorized", async () => {
    const server = await startEmbeddedMongo({ inMemory: true, credentials: { user: "ada", password: "s3cret-pass" } });
    cleanups.push(() => server.stop());
    const anonymous = await MongoClient.connect(withoutLogin(server.uri));
    cleanups.push(() => anonymous.close());
    expect(await anonymous.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect(await anonymous.db("admin").command({ hello: 1 })).toMatchObject({ isWritablePrimary: true });
    for (const attempt of [
      () => anonymous.db("focus").collection("sessions").findOne(),
      () => anonymous.db("focus").collection("sessions").insertOne({}),
      () => anonymous.db("focus").dropDatabase(),
      () => anonymous.db("admin").command({ listDatabases: 1 }),
    ]) {
      const error = await attempt().then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(13);
    }
  });

});

describe("the command (src/cli.ts, `npm run db` at the root)", () => {
  it("requires a login, writes its generated password owner-only into DATA_DIR, and prints the same URI after a restart", async () => {
    const dataDir = await tempDir();
    const first = await startCli(dataDir);
    const uri = first.uri;
    expect(uri).toMatch(/^mongodb:\/\/focus:[A-Za-z0-9_-]{20,}@127\.0\.0\.1:\d+\//);
    expect((await stat(path.join(dataDir, "credentials.json"))).mode & 0o777).toBe(0o600);
    const client = await MongoClient.connect(uri);
    await client.db("focus").collection("kept").insertOne({ n: 1 });
    await client.close();
    const anonymous = await MongoClient.connect(withoutLogin(uri));
    await expect(anonymous.db("focus").collection("kept").findOne()).rejects.toMatchObject({ code: 13 });
    await anonymous.close();
    await first.stop();

    const second = await startCli(dataDir);
    cleanups.push(() => second.stop());
    expect(second.uri.replace(/:\d+\//, ":PORT/")).toBe(uri.replace(/:\d+\//, ":PORT/"));
    const again = await MongoClient.connect(second.uri);
    cleanups.push(() => again.close());
    expect(await again.db("focus").collection("kept").countDocuments()).toBe(1);
  });
});
