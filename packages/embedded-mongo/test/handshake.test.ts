import { describe, expect, it } from "vitest";
import { MongoServerError } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

describe("handshake and server information", () => {
  const t = useTestDatabase();
  const admin = () => t.client.db("admin");

  it("hello reports a writable primary with wire version, limits and sessions", async () => {
    const hello = await admin().command({ hello: 1 });
    expect(hello).toMatchObject({ ok: 1, isWritablePrimary: true, minWireVersion: 0, logicalSessionTimeoutMinutes: 30 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(9);
    expect(hello.maxBsonObjectSize).toBe(16 * 1024 * 1024);
    expect(hello.maxMessageSizeBytes).toBe(48_000_000);
    expect(hello.maxWriteBatchSize).toBe(100_000);
    expect(hello.localTime).toBeInstanceOf(Date);
  });

  it("the legacy isMaster spelling answers ismaster: true", async () => {
    expect(await admin().command({ isMaster: 1 })).toMatchObject({ ok: 1, ismaster: true });
  });

  it("ping answers ok", async () => {
    expect(await t.db.command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it("buildInfo gives a version string and its numeric parts", async () => {
    const info = await admin().command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+/);
    expect(info.versionArray[0]).toBeGreaterThanOrEqual(4);
  });

  it("an unknown command fails with code 59 CommandNotFound", async () => {
    await expect(t.db.command({ noSuchCommandHere: 1 })).rejects.toMatchObject({ code: 59, codeName: "CommandNotFound" });
  });

  it("answers the commands a shell asks when it connects", async () => {
    expect(await admin().command({ getLog: "startupWarnings" })).toMatchObject({ ok: 1, log: expect.any(Array) });
    expect(await admin().command({ getParameter: 1, featureCompatibilityVersion: 1 })).toMatchObject({ ok: 1 });
    expect(await admin().command({ getCmdLineOpts: 1 })).toMatchObject({ ok: 1, argv: expect.any(Array) });
    expect(await admin().command({ connectionStatus: 1 })).toMatchObject({ ok: 1, authInfo: expect.any(Object) });
    expect(await admin().command({ hostInfo: 1 })).toMatchObject({ ok: 1, system: expect.any(Object) });
    expect(await admin().command({ whatsmyuri: 1 })).toMatchObject({ ok: 1, you: expect.any(String) });
    expect(await admin().command({ serverStatus: 1 })).toMatchObject({ ok: 1, uptime: expect.any(Number) });
    expect(await t.db.command({ dbStats: 1 })).toMatchObject({ ok: 1 });
  });

  it("listDatabases with nameOnly lists names only", async () => {
    await t.db.collection("present").insertOne({ x: 1 });
    const { databases } = await admin().command({ listDatabases: 1, nameOnly: true });
    expect(databases).toContainEqual({ name: t.db.databaseName });
  });

  it("atlasVersion is unknown, as on any server outside Atlas", async () => {
    await expect(admin().command({ atlasVersion: 1 })).rejects.toMatchObject({ code: 59 });
  });

  it("startSession hands out a session id", async () => {
    const reply = await admin().command({ startSession: 1 });
    expect(reply).toMatchObject({ ok: 1, timeoutMinutes: 30, id: { id: expect.anything() } });
  });

  it("endSessions is accepted", async () => {
    const session = t.client.startSession();
    await t.db.collection("sessions").insertOne({ x: 1 }, { session });
    await session.endSession();
    expect(await admin().command({ endSessions: [] })).toMatchObject({ ok: 1 });
  });

  it("a command error carries ok 0, errmsg, code and codeName", async () => {
    const error = await t.db.collection("missing").indexes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 26, codeName: "NamespaceNotFound", errmsg: expect.any(String) });
  });
});
