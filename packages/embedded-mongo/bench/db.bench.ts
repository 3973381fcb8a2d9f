/**
 * `npm run bench:db`: the embedded database through the official driver, in this process
 * (`npm run bench:db -- --worker`: the server in a worker thread, the driver on the main one).
 * The driver's `ping` round trip is the ceiling every operation is compared with. Figures are
 * measured, not asserted; the last line is one JSON object with all of them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MongoClient, type Collection } from "mongodb";
import { startEmbeddedMongo, type EmbeddedMongo } from "../src/index.ts";
import { measureBestOfRounds, timeOnce, type LatencySummary } from "../../../bench/support/measure.ts";
import { percentile } from "../../../bench/support/percentile.ts";
import { formatTable, printJsonSummary } from "../../../bench/support/report.ts";

const DOCUMENTS = 100_000;
const SEQUENTIAL = 3_000;
const CONCURRENT = 6_000;
const ROUNDS = 3;
const CONCURRENCY = 16;
const READY_RUNS = 10;
const WORKER = process.argv.includes("--worker");
const MODE = WORKER ? "server in a worker thread" : "server in the driver's thread";

interface User {
  _id: number;
  email: string;
  group: number;
  name: string;
  visits: number;
}

const user = (i: number): User => ({ _id: i, email: `user${i}@example.com`, group: i % 100, name: `User ${i}`, visits: 0 });
const randomId = (): number => Math.floor(Math.random() * DOCUMENTS);

async function emptyServerReadyMs(root: string): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < READY_RUNS; run += 1) {
    let server: EmbeddedMongo | undefined;
    times.push(await timeOnce(async () => (server = await startEmbeddedMongo({ dataDir: join(root, `empty-${run}`), worker: WORKER }))));
    await server?.stop();
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

async function load(users: Collection<User>): Promise<number> {
  return timeOnce(async () => {
    for (let from = 0; from < DOCUMENTS; from += 1000) {
      await users.insertMany(Array.from({ length: 1000 }, (_, i) => user(from + i)));
    }
    await users.createIndex({ email: 1 }, { unique: true });
  });
}

type Operations = Record<string, (i: number) => Promise<unknown>>;

function operations(client: MongoClient, users: Collection<User>, inserts: Collection<User>, offset: number): Operations {
  const admin = client.db("admin");
  return {
    ping: () => admin.command({ ping: 1 }),
    insertOne: (i) => inserts.insertOne(user(offset + i)),
    "findOne by _id": () => users.findOne({ _id: randomId() }),
    "find by indexed email": () => users.find({ email: `user${randomId()}@example.com` }).toArray(),
    "updateOne by _id": () => users.updateOne({ _id: randomId() }, { $inc: { visits: 1 } }),
  };
}

async function run(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "bench-db-"));
  try {
    const readyMs = await emptyServerReadyMs(root);
    const dataDir = join(root, "data");
    let server = await startEmbeddedMongo({ dataDir, worker: WORKER });
    let client = await MongoClient.connect(server.uri, { maxPoolSize: CONCURRENCY });
    const db = client.db("bench");
    const loadMs = await load(db.collection<User>("users"));

    const users = db.collection<User>("users");
    const inserts = db.collection<User>("inserts");
    const sequential = await measureBestOfRounds(operations(client, users, inserts, 0), {
      iterations: SEQUENTIAL,
      rounds: ROUNDS,
    });
    const concurrent = await measureBestOfRounds(operations(client, users, inserts, 1_000_000), {
      iterations: CONCURRENT,
      concurrency: CONCURRENCY,
      rounds: ROUNDS,
    });
    await client.close();
    await server.stop();

    // The log as written (no compaction yet below 64 MiB); one write then compacts it, since a
    // 1-byte threshold is always reached, so the second reopen reads a snapshot instead.
    const reopenMs = await timeOnce(
      async () => (server = await startEmbeddedMongo({ dataDir, worker: WORKER, journal: { compactAfterBytes: 1 } })),
    );
    client = await MongoClient.connect(server.uri);
    const reopenedDocuments = await client.db("bench").collection("users").countDocuments();
    await client.db("bench").collection<User>("users").updateOne({ _id: 0 }, { $inc: { visits: 1 } });
    await client.close();
    await server.stop();
    const reopenFromSnapshotMs = await timeOnce(
      async () => (server = await startEmbeddedMongo({ dataDir, worker: WORKER })),
    );
    await server.stop();

    report({ sequential, concurrent, readyMs, reopenMs, reopenFromSnapshotMs, reopenedDocuments, loadMs });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

interface Figures {
  sequential: Record<string, LatencySummary>;
  concurrent: Record<string, LatencySummary>;
  readyMs: number;
  reopenMs: number;
  reopenFromSnapshotMs: number;
  reopenedDocuments: number;
  loadMs: number;
}

function report(figures: Figures): void {
  const rows = (mode: string, results: Record<string, LatencySummary>) => {
    const ping = results.ping?.opsPerSec ?? Number.NaN;
    return Object.entries(results).map(([name, r]) => [
      `${name} (${mode})`,
      r.opsPerSec,
      r.p50Ms,
      r.p99Ms,
      `${Math.round((100 * r.opsPerSec) / ping)}%`,
    ]);
  };
  const seq = figures.sequential;
  const ratioTo = (name: string) => (seq[name]?.opsPerSec ?? 0) / (seq.ping?.opsPerSec ?? Number.NaN);
  const indexedVsId = (seq["find by indexed email"]?.p50Ms ?? Number.NaN) / (seq["findOne by _id"]?.p50Ms ?? Number.NaN);
  const targets = {
    eachOpAtLeastHalfOfPing: Object.keys(seq).every((name) => ratioTo(name) >= 0.5),
    indexedFindWithin2xOfIdLookup: indexedVsId <= 2,
    emptyReadyUnder100ms: figures.readyMs < 100,
    reopen100kUnder2s: Math.max(figures.reopenMs, figures.reopenFromSnapshotMs) < 2000,
  };

  console.log(`embedded MongoDB-compatible server (${MODE}), driver in this process, ${DOCUMENTS} documents`);
  console.log(
    `(sequential: ${SEQUENTIAL} ops one at a time; concurrent: ${CONCURRENT} ops from ${CONCURRENCY} callers;` +
      ` best of ${ROUNDS} interleaved rounds)\n`,
  );
  console.log(
    formatTable(["operation", "ops/s", "p50 ms", "p99 ms", "of ping"], [
      ...rows("sequential", figures.sequential),
      ...rows(`${CONCURRENCY} concurrent`, figures.concurrent),
    ]),
  );
  console.log();
  console.log(
    formatTable(["startup", "ms"], [
      ["empty server ready (median)", figures.readyMs],
      [`reopen of ${figures.reopenedDocuments}-document DATA_DIR (log)`, figures.reopenMs],
      [`reopen of the same, compacted (snapshot)`, figures.reopenFromSnapshotMs],
      [`load ${DOCUMENTS} documents (insertMany of 1000) + index`, figures.loadMs],
    ]),
  );
  console.log();
  console.log(formatTable(["target", "met"], Object.entries(targets).map(([name, met]) => [name, met ? "yes" : "NO"])));
  printJsonSummary({ benchmark: "db", mode: WORKER ? "worker" : "in-process", ...figures, indexedFindToIdLookupP50: indexedVsId, targets });
}

await run();
