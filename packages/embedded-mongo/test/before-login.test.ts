/**
 * What a client that does not log in can cost a server that requires a login: a SCRAM start
 * for an unknown name derives no key (no pbkdf2) and answers a salt that is the same every
 * time for that name, so names cannot be probed and strangers cannot starve the thread; the
 * conversation then fails as a wrong password does. A connection that does not log in within
 * `loginTimeoutMs` is closed, and such connections never fill `maxConnections`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type net from "node:net";
import { Binary, type Document } from "bson";
import { MongoClient } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";
import { startCli } from "./support/cli-process.ts";
import { closedWithin, connect, Pinger } from "./support/raw-wire.ts";

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const credentials = { user: "ada", password: "correct-horse-battery" };

function saslStart(user: string, nonce = "client-nonce-0123456789"): Document {
  return { saslStart: 1, mechanism: "SCRAM-SHA-256", payload: new Binary(Buffer.from(`n,,n=${user},r=${nonce}`)), $db: "admin" };
}

/** The server's first message, `r=<nonce>,s=<salt>,i=<iterations>`, as fields. */
function challenge(reply: Document): { nonce: string; salt: string; iterations: number } {
  expect(reply).toMatchObject({ ok: 1, done: false, conversationId: 1 });
  const text = Buffer.from((reply.payload as Binary).buffer).toString("utf8");
  const fields = Object.fromEntries(text.split(",").map((field) => [field.slice(0, 1), field.slice(2)]));
  return { nonce: fields.r!, salt: fields.s!, iterations: Number(fields.i) };
}

async function serverWithLogin(options: { worker?: boolean; loginTimeoutMs?: number } = {}) {
  const server = await startEmbeddedMongo({ inMemory: true, credentials, ...options });
  cleanups.push(() => server.stop());
  return server;
}

async function rawConnection(port: number): Promise<Pinger> {
  const connection = await Pinger.open(port);
  cleanups.push(() => connection.close());
  return connection;
}

describe("a SCRAM start for an unknown user", () => {
  it("answers the same salt every time for the same name, shaped as a real user's, and fails as a wrong password", async () => {
    const server = await serverWithLogin();
    const connection = await rawConnection(server.port);
    const eve = challenge(await connection.command(saslStart("eve")));
    const eveAgain = challenge(await connection.command(saslStart("eve", "another-client-nonce")));
    const mallory = challenge(await connection.command(saslStart("mallory")));
    const ada = challenge(await connection.command(saslStart("ada")));
    expect(eveAgain.salt).toBe(eve.salt);
    expect(eveAgain.nonce).not.toBe(eve.nonce);
    expect(mallory.salt).not.toBe(eve.salt);
    expect(eve.salt).toHaveLength(ada.salt.length);
    expect(eve.iterations).toBe(ada.iterations);

    // The last step: for the unknown name and for the real one with a wrong proof, the same refusal.
    const refusals: Document[] = [];
    for (const user of ["eve", "ada"]) {
      const started = challenge(await connection.command(saslStart(user)));
      const proof = Buffer.alloc(32, 7).toString("base64");
      refusals.push(
        await connection.command({
          saslContinue: 1,
          conversationId: 1,
          payload: new Binary(Buffer.from(`c=biws,r=${started.nonce},p=${proof}`)),
          $db: "admin",
        }),
      );
    }
    expect(refusals[0]).toEqual(refusals[1]);
    expect(refusals[0]).toMatchObject({ ok: 0, code: 18, codeName: "AuthenticationFailed" });
    // And the driver's log-in for an unknown name fails as a wrong password does.
    const stranger = new MongoClient(server.uri.replace("ada:", "eve:"), { serverSelectionTimeoutMS: 5_000 });
    cleanups.push(() => stranger.close());
    await expect(stranger.connect()).rejects.toThrow(/Authentication failed/);
  });

  it("costs no key derivation: unknown names cost about what a known one does", async () => {
    const server = await serverWithLogin({ worker: true });
    const connection = await rawConnection(server.port);
    const timed = async (users: string[]): Promise<number> => {
      const started = performance.now();
      const replies = await connection.flood(users.map((user) => saslStart(user)));
      expect(replies.every((reply) => reply.ok === 1)).toBe(true);
      return performance.now() - started;
    };
    const count = 150;
    await timed(Array.from({ length: 10 }, (_, i) => `warm-${i}`));
    const known = await timed(Array.from({ length: count }, () => "ada"));
    const unknown = await timed(Array.from({ length: count }, (_, i) => `stranger-${i}`));
    // With a key derivation each (about 5 ms), 150 unknown names would take 750 ms or more.
    expect(unknown, `unknown ${unknown.toFixed(0)} ms, known ${known.toFixed(0)} ms`).toBeLessThan(3 * known + 150);
  });

  it("never delays a logged-in client's ping, while four sockets send unknown-name log-ins", async () => {
    const server = await serverWithLogin({ worker: true });
    const client = await MongoClient.connect(server.uri);
    cleanups.push(() => client.close());
    await client.db("admin").command({ ping: 1 });
    const attackers = await Promise.all(Array.from({ length: 4 }, () => rawConnection(server.port)));
    /** The longest ping while the four sockets each pipeline 300 log-ins for the names given. */
    const longestPingDuring = async (name: (attacker: number, attempt: number) => string): Promise<number> => {
      let flooding = true;
      const floods = Promise.all(
        attackers.map((attacker, a) => attacker.flood(Array.from({ length: 300 }, (_, i) => saslStart(name(a, i))))),
      ).finally(() => (flooding = false));
      const pings: number[] = [];
      do {
        const started = performance.now();
        await client.db("admin").command({ ping: 1 });
        pings.push(performance.now() - started);
      } while (flooding);
      const replies = (await floods).flat();
      expect(replies).toHaveLength(1200);
      expect(replies.every((reply) => reply.ok === 1)).toBe(true);
      return Math.max(...pings);
    };
    // The same flood for the real user is the yardstick: its challenge is derived once, at start.
    const known = await longestPingDuring(() => "ada");
    const unknown = await longestPingDuring((a, i) => `probe-${a}-${i}`);
    // 1,200 key derivations would hold the thread for 6 s or more; the margin is for a loaded machine.
    expect(unknown, `longest ping: ${unknown.toFixed(0)} ms (${known.toFixed(0)} ms for the real name)`).toBeLessThan(3 * known + 1_500);
  });
});

describe("connections that do not log in", () => {
  it("are closed after loginTimeoutMs, idle or talking; a logged-in client goes on", async () => {
    const server = await serverWithLogin({ loginTimeoutMs: 300 });
    const client = new MongoClient(server.uri, { heartbeatFrequencyMS: 1_000 });
    cleanups.push(() => client.close());
    let heartbeatFailures = 0;
    client.on("serverHeartbeatFailed", () => (heartbeatFailures += 1));
    await client.connect();

    const idle = await connect(server.port);
    cleanups.push(() => idle.destroy());
    const talking = await rawConnection(server.port);
    await talking.command({ hello: 1, $db: "admin" });
    expect(await closedWithin(idle, 3_000)).toBe(true);
    expect(await talking.closedWithin(3_000)).toBe(true);

    // The driver's own connections: its pool logged in; its monitor (which never logs in) reconnects.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await client.db("focus").collection("notes").insertOne({ n: 1 })).toMatchObject({ acknowledged: true });
    expect(heartbeatFailures).toBe(0);
  });

  it("never fill the connection cap of `npm run db`: with 2,100 idle sockets open, the right password logs in", async () => {
    const dataDir = path.join(await mkdtemp(path.join(tmpdir(), "embedded-idle-")), "data");
    cleanups.push(() => rm(path.dirname(dataDir), { recursive: true, force: true }));
    const cli = await startCli(dataDir);
    cleanups.push(() => cli.stop());
    const port = Number(/:(\d+)\//.exec(cli.uri)![1]);

    const idle: net.Socket[] = [];
    cleanups.push(() => idle.forEach((socket) => socket.destroy()));
    for (let batch = 0; batch < 21; batch++) {
      const opened = await Promise.allSettled(Array.from({ length: 100 }, () => connect(port)));
      for (const result of opened) {
        if (result.status !== "fulfilled") continue;
        result.value.on("error", () => undefined);
        idle.push(result.value);
      }
    }
    expect(idle.length).toBeGreaterThan(2000);

    const client = await MongoClient.connect(cli.uri, { serverSelectionTimeoutMS: 10_000 });
    cleanups.push(() => client.close());
    expect(await client.db("focus").collection("notes").insertOne({ n: 1 })).toMatchObject({ acknowledged: true });
    // Within the default login timeout (5 s), every idle socket is gone.
    const closed = await Promise.all(idle.map((socket) => closedWithin(socket, 12_000)));
    expect(closed.filter((isClosed) => !isClosed)).toHaveLength(0);
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
  });
});
