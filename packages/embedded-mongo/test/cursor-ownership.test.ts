import { Long, MongoClient, type Db } from "mongodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/index.ts";
import type { AnyDocument } from "./support/database.ts";

/**
 * Cursors as mongod guards them: their ids are random (63-bit, positive), so one cannot be
 * guessed from another; a cursor belongs to the login that opened it, on its namespace.
 * getMore answers 13 Unauthorized for another namespace or another user's cursor; killCursors
 * reports a cursor it may not kill among `cursorsNotFound` and leaves it open, except for the
 * administrator (mongod's root may kill any cursor).
 */
describe("cursor ids and ownership", () => {
  let server: EmbeddedMongo;
  let admin: MongoClient;
  let owner: MongoClient;
  let peer: MongoClient;
  const login = (user: string, password: string): Promise<MongoClient> =>
    MongoClient.connect(`mongodb://${user}:${password}@127.0.0.1:${server.port}/?directConnection=true&authSource=admin`);

  beforeAll(async () => {
    server = await startEmbeddedMongo({
      inMemory: true,
      credentials: { user: "root", password: "root-password-1" },
      users: [
        { user: "app", password: "app-password-1", database: "appdb" },
        { user: "peer", password: "peer-password-1", database: "appdb" },
      ],
    });
    admin = await MongoClient.connect(server.uri);
    owner = await login("app", "app-password-1");
    peer = await login("peer", "peer-password-1");
    await admin.db("other").collection<AnyDocument>("kept").insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
    await owner.db("appdb").collection<AnyDocument>("source").insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]);
  });

  afterAll(async () => {
    await Promise.all([admin, owner, peer].map((client) => client.close()));
    await server.stop();
  });

  /** Replies with int64 values as bigint: a cursor id has up to 63 bits, more than a double holds. */
  const exactIds = { useBigInt64: true } as const;

  /** Opens a cursor with one document sent and the rest left, as its login; returns its id. */
  async function openCursor(db: Db, collection: string): Promise<Long> {
    const reply = await db.command({ find: collection, batchSize: 1 }, exactIds);
    const id = reply.cursor.id as bigint;
    expect(id).not.toBe(0n);
    return Long.fromBigInt(id);
  }

  const getMore = (db: Db, id: Long, collection: string) => db.command({ getMore: id, collection, batchSize: 1 }, exactIds);
  const killCursors = (db: Db, id: Long, collection: string) => db.command({ killCursors: collection, cursors: [id] }, exactIds);

  it("gives random positive 63-bit ids, never one after another", async () => {
    const ids: bigint[] = [];
    for (let i = 0; i < 40; i++) ids.push((await openCursor(admin.db("other"), "kept")).toBigInt());
    await admin.db("other").command({ killCursors: "kept", cursors: ids.map((id) => Long.fromBigInt(id)) });
    expect(ids.every((id) => id > 0n)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const closest = sorted.slice(1).reduce((least, id, i) => (id - sorted[i]! < least ? id - sorted[i]! : least), 1n << 63n);
    // Forty random 63-bit numbers are this close with a probability under 1e-9.
    expect(closest > 1n << 30n).toBe(true);
    // Spread over the range: their top bits differ.
    expect(new Set(ids.map((id) => id >> 59n)).size).toBeGreaterThan(4);
  });

  it("refuses another database's login a getMore (13) and a killCursors (not found) on the administrator's cursor", async () => {
    const id = await openCursor(admin.db("other"), "kept");
    await expect(getMore(owner.db("appdb"), id, "source")).rejects.toMatchObject({ code: 13, codeName: "Unauthorized" });
    await expect(getMore(owner.db("other"), id, "kept")).rejects.toMatchObject({ code: 13 });
    const killed = await killCursors(owner.db("appdb"), id, "source");
    expect(killed).toMatchObject({ cursorsKilled: [], cursorsNotFound: [id.toBigInt()], cursorsAlive: [], cursorsUnknown: [] });
    // The administrator's cursor is still there, whole.
    const more = await getMore(admin.db("other"), id, "kept");
    expect(more.cursor.nextBatch).toEqual([{ _id: 2 }]);
    expect(await killCursors(admin.db("other"), id, "kept")).toMatchObject({ cursorsKilled: [id.toBigInt()] });
  });

  it("keeps a cursor to the login that opened it, even on the same namespace", async () => {
    const id = await openCursor(owner.db("appdb"), "source");
    await expect(getMore(peer.db("appdb"), id, "source")).rejects.toMatchObject({ code: 13, codeName: "Unauthorized" });
    await expect(getMore(admin.db("appdb"), id, "source")).rejects.toMatchObject({ code: 13, codeName: "Unauthorized" });
    expect(await killCursors(peer.db("appdb"), id, "source")).toMatchObject({ cursorsKilled: [], cursorsNotFound: [id.toBigInt()] });
    expect((await getMore(owner.db("appdb"), id, "source")).cursor.nextBatch).toEqual([{ _id: 2 }]);
    // On another namespace not even its owner kills it.
    await owner.db("appdb").collection("elsewhere").insertOne({});
    expect(await killCursors(owner.db("appdb"), id, "elsewhere")).toMatchObject({ cursorsKilled: [], cursorsNotFound: [id.toBigInt()] });
    // The administrator may kill any cursor (mongod's root has killAnyCursor).
    expect(await killCursors(admin.db("appdb"), id, "source")).toMatchObject({ cursorsKilled: [id.toBigInt()], cursorsNotFound: [] });
    await expect(getMore(owner.db("appdb"), id, "source")).rejects.toMatchObject({ code: 43, codeName: "CursorNotFound" });
  });
});
