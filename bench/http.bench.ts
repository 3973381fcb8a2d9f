/**
 * `npm run bench:http`: the API server as a separate process (`src/main.ts` over the shared
 * embedded database of `npm run db`, both on loopback, in a temporary DATA_DIR), loaded by
 * autocannon from this process at 50 connections:
 *
 * 1. a concept query (`POST /api/FocusStats/_viewStats`) against the do-nothing route
 *    `POST /__bench/bare` (BENCH_BARE_ROUTE=1) of the same server: the ceiling;
 * 2. whole lifecycles (start, pause, resume, end completed, with every completion sync firing)
 *    for many users;
 * 3. the seed 004 summary for a user with 1k and one with 100k completed sessions, seeded in
 *    this process into FocusStats' collections on the server's database (see `seedSessions`);
 * 4. reads bounded by what they return (issue 10, item 5): `GET /api/v1/sessions?limit=1` for
 *    a user with 10 and one with 100k sessions in FocusSession (see `seedListedSessions`),
 *    `FocusStats._getSessions` of the 100k user whole (the median of five, after two) and a page
 *    of it, and `/health` while 8 whole `_getSessions` of the 100k user run at once (probed from
 *    a process of its own, see support/health-prober.ts).
 *
 * BENCH_SECONDS (default 10) sets each run's length; BENCH_CPU_PROF=<dir> writes the server's
 * CPU profile there; BENCH_PARTS picks parts. The last line is one JSON object with every figure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { randomUUID } from "node:crypto";
import { MongoClient, type Db } from "mongodb";
import { FocusSessionConcept } from "../src/concepts/FocusSession/FocusSessionConcept.ts";
import { FocusStatsConcept } from "../src/concepts/FocusStats/FocusStatsConcept.ts";
import { dayIn } from "../src/utils/calendar.ts";
import { startApiServer, startSharedDatabase, type ApiServer } from "../test/support/server-process.ts";
import { startHealthProber } from "./support/health-prober.ts";
import { formatTable, printJsonSummary } from "./support/report.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = 50;
const apiKey = "bench-key";
const headers = { "content-type": "application/json", "x-api-key": apiKey };
/** Lifecycles rotate over this many users, so each user's history grows as in real use. */
const lifecycleUsers = 1000;
const seedSizes = { small: 1_000, large: 100_000 } as const;
const summaryPath = "/api/v1/sessions/summary";
/** BENCH_PARTS=lifecycle (comma-separated: query, lifecycle, summary, reads) runs only those, e.g. to profile one. */
const parts = new Set((process.env.BENCH_PARTS ?? "query,lifecycle,summary,reads").split(",").map((part) => part.trim()));

interface Figures {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses that were not 2xx, and connection errors: both must be 0 for the figures to count. */
  non2xx: number;
  errors: number;
}

const skipped: Figures = { requestsPerSec: Number.NaN, p50Ms: Number.NaN, p99Ms: Number.NaN, non2xx: 0, errors: 0 };

type CannonOptions = Omit<autocannon.Options, "url" | "connections" | "duration">;

async function cannon(server: ApiServer, options: CannonOptions): Promise<autocannon.Result> {
  return autocannon({ url: server.url, connections, duration: seconds, ...options });
}

/** One connection, one request at a time: the latency of a request on its own, without queueing behind 49 others. */
async function alone(server: ApiServer, requests: autocannon.Request[]): Promise<autocannon.Result> {
  await autocannon({ url: server.url, connections: 1, duration: 1, requests });
  return autocannon({ url: server.url, connections: 1, duration: seconds, requests });
}

function figuresOf(result: autocannon.Result): Figures {
  // A run in which nothing succeeded has no latency to speak of (autocannon reports 0).
  const answered = result["2xx"] > 0;
  return {
    requestsPerSec: result["2xx"] / result.duration,
    p50Ms: answered ? result.latency.p50 : Number.NaN,
    p99Ms: answered ? result.latency.p99 : Number.NaN,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function post(path: string, body: object): autocannon.Request {
  return { method: "POST", path, headers, body: JSON.stringify(body) };
}

/** Warms the server's JIT and pools for a third of a run; the figures come from a fresh run. */
async function measured(server: ApiServer, options: CannonOptions): Promise<autocannon.Result> {
  await autocannon({ url: server.url, connections, duration: Math.max(1, seconds / 3), ...options });
  return cannon(server, options);
}

async function callJson(server: ApiServer, path: string, body: object): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

/** One completed session through the API, so the user has stats to view. */
async function completeOne(server: ApiServer, user: string): Promise<void> {
  const { session } = (await callJson(server, "/api/FocusSession/start", { user })) as { session: string };
  await callJson(server, "/api/FocusSession/end", { session, status: "completed", elapsedMs: 60_000 });
}

async function queryVersusBare(server: ApiServer): Promise<{ bare: Figures; query: Figures }> {
  await completeOne(server, "bench-viewer");
  const bare = figuresOf(await measured(server, { requests: [post("/__bench/bare", {})] }));
  const query = figuresOf(await measured(server, { requests: [post("/api/FocusStats/_viewStats", { user: "bench-viewer" })] }));
  return { bare, query };
}


/** 4 requests per lifecycle; each connection takes the next user of the rotation. */
async function lifecycles(server: ApiServer): Promise<Figures & { lifecyclesPerSec: number; lifecycles: number }> {
  let nextUser = 0;
  let completed = 0;
  // Each run has users of its own: a lifecycle cut off when a run ends leaves its user's session running.
  let run = "warmup";
  const bodyWithSession = (extra: object) => (request: autocannon.Request, context: Record<string, unknown>) =>
    typeof context.session !== "string" ? undefined : { ...request, body: JSON.stringify({ session: context.session, ...extra }) };
  const requests: autocannon.Request[] = [
    {
      ...post("/api/FocusSession/start", {}),
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ user: `bench-${run}-user-${nextUser++ % lifecycleUsers}` }) }),
      onResponse: (status, body, context) => {
        context.session = status === 200 ? (JSON.parse(body) as { session: string }).session : undefined;
      },
    },
    { ...post("/api/FocusSession/pause", {}), setupRequest: bodyWithSession({ elapsedMs: 600_000 }) },
    { ...post("/api/FocusSession/resume", {}), setupRequest: bodyWithSession({}) },
    {
      ...post("/api/FocusSession/end", {}),
      setupRequest: bodyWithSession({ status: "completed", elapsedMs: 1_500_000 }),
      onResponse: (status) => {
        if (status === 200) completed += 1;
      },
    },
  ];
  await autocannon({ url: server.url, connections, duration: Math.max(1, seconds / 3), requests });
  completed = 0;
  run = "measured";
  const result = await cannon(server, { requests });
  return { ...figuresOf(result), lifecycles: completed, lifecyclesPerSec: completed / result.duration };
}

/** A document written straight into a concept's collection (keyed by a string, as the concept keys it). */
type SeededDoc = { _id: string } & Record<string, unknown>;

/**
 * Writes `count` completed sessions for `user` straight into FocusStats' collections, in the
 * shape `recordSession` writes them, then records one more through the action itself and checks
 * the totals it reads (which proves the shape). Seeding through the action alone ran at ~160
 * sessions/s (10k in 62 s, 64 at a time, on the loaded 2-core machine): 100k would take ~10 min.
 */
async function seedSessions(db: Db, user: string, count: number): Promise<number> {
  const began = performance.now();
  const sessionMs = 1_500_000;
  const first = Date.UTC(2024, 0, 1);
  // One session every 15 minutes, so the days and daily tallies look like real use.
  const records = Array.from({ length: count }, (_, index) => {
    const endTime = new Date(first + index * 15 * 60_000);
    const startTime = new Date(endTime.getTime() - sessionMs);
    return { _id: `${user}-s${index}`, user, document: null, startTime, endTime, durationMs: sessionMs, timeZone: "UTC", day: dayIn(endTime), tally: "adding" };
  });
  for (let from = 0; from < count; from += 5000) await db.collection<SeededDoc>("FocusStats.sessions").insertMany(records.slice(from, from + 5000));
  // Tallies as `recordSession` leaves them: running sums and the changes' markers (the totals
  // keep the latest few, each day every one, which is what shows a record counted in full).
  await db.collection<SeededDoc>("FocusStats.stats").insertOne({ _id: randomUUID(), recent: records.slice(-200).map((record) => record._id), user, totalFocusMs: count * sessionMs, sessionCount: count });
  const perDay = new Map<string, string[]>();
  for (const record of records) {
    const ids = perDay.get(record.day) ?? [];
    ids.push(record._id);
    perDay.set(record.day, ids);
  }
  await db.collection<SeededDoc>("FocusStats.dailyProgress").insertMany(
    [...perDay].map(([day, ids]) => ({ _id: randomUUID(), recent: ids, user, day, focusMs: ids.length * sessionMs, sessions: ids.length })),
  );
  const endTime = new Date(first + count * 15 * 60_000);
  const last = await new FocusStatsConcept(db).recordSession({ focusSession: `${user}-s${count}`, user, startTime: new Date(endTime.getTime() - sessionMs), endTime, durationMs: sessionMs });
  if ("error" in last || !last.recorded) throw new Error(`recordSession on the seeded data: ${JSON.stringify(last)}`);
  const [totals] = await new FocusStatsConcept(db)._getTotals({ user });
  if (totals?.sessionCount !== count + 1 || totals.totalFocusMs !== (count + 1) * sessionMs) throw new Error(`seeded totals read ${JSON.stringify(totals)}`);
  return (performance.now() - began) / 1000;
}

interface SummaryFigures {
  route: string;
  /** At 50 connections: throughput. */
  small: Figures;
  large: Figures;
  /** At 1 connection: the latency the p99 target is about. */
  smallAlone: Figures;
  largeAlone: Figures;
  seedSeconds: Record<string, number>;
}

async function summaries(server: ApiServer, databaseUri: string): Promise<SummaryFigures> {
  const client = await MongoClient.connect(databaseUri, { maxPoolSize: 64 });
  const seedSeconds: Record<string, number> = {};
  try {
    for (const [size, count] of Object.entries(seedSizes)) seedSeconds[size] = await seedSessions(client.db("focus"), `bench-summary-${size}`, count);
  } finally {
    await client.close();
  }
  const paths = Object.keys(((await (await fetch(`${server.url}/openapi.json`)).json()) as { paths: object }).paths);
  const served = paths.includes(summaryPath);
  const request = (user: string): autocannon.Request =>
    served ? { method: "GET", path: `${summaryPath}?userId=${user}`, headers } : post("/api/FocusStats/_summary", { user });
  const small = figuresOf(await measured(server, { requests: [request("bench-summary-small")] }));
  const large = figuresOf(await measured(server, { requests: [request("bench-summary-large")] }));
  const smallAlone = figuresOf(await alone(server, [request("bench-summary-small")]));
  const largeAlone = figuresOf(await alone(server, [request("bench-summary-large")]));
  return { route: served ? `GET ${summaryPath}` : "POST /api/FocusStats/_summary (seed 004 route not served)", small, large, smallAlone, largeAlone, seedSeconds };
}

/**
 * Writes `count` completed sessions for `user` straight into FocusSession's collection, in the
 * shape `start` and `end` leave them (one every 15 minutes), then reads one back through the
 * concept to prove the shape.
 */
async function seedListedSessions(db: Db, user: string, count: number): Promise<void> {
  const sessionMs = 1_500_000;
  const first = Date.UTC(2024, 0, 1);
  const docs = Array.from({ length: count }, (_, index) => {
    const endedAt = new Date(first + index * 15 * 60_000);
    const startedAt = new Date(endedAt.getTime() - sessionMs);
    return {
      _id: `${user}-fs${index}`, rev: 3, user, status: "completed", targetDurationMs: sessionMs, elapsedMs: sessionMs, runningSince: null,
      startedAt, endedAt, timeZone: "UTC", subject: "Calculus", questId: null, description: null, notes: null, document: null, createdAt: startedAt, updatedAt: endedAt,
    };
  });
  for (let from = 0; from < count; from += 5000) await db.collection<SeededDoc>("FocusSession.sessions").insertMany(docs.slice(from, from + 5000));
  const [newest] = await new FocusSessionConcept(db)._listSessions({ user, limit: 1 });
  if (newest?.session !== `${user}-fs${count - 1}`) throw new Error(`seeded sessions list as ${JSON.stringify(newest)}`);
}

/** Wall time of one request in ms; it must answer 200 unless `anyStatus`. */
async function timed(server: ApiServer, path: string, body?: object, anyStatus = false): Promise<{ ms: number; bytes: number; status: number }> {
  const began = performance.now();
  const response = await fetch(`${server.url}${path}`, body === undefined ? { headers } : { method: "POST", headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok && !anyStatus) throw new Error(`${path} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms: performance.now() - began, bytes: text.length, status: response.status };
}

/** The median of `runs` sequential requests. */
async function medianOf(runs: number, measure: () => Promise<{ ms: number; bytes: number }>): Promise<{ ms: number; bytes: number }> {
  const results: { ms: number; bytes: number }[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  results.sort((a, b) => a.ms - b.ms);
  return results[Math.floor(results.length / 2)]!;
}

interface ReadFigures {
  /** `GET /api/v1/sessions?userId=...&limit=1`, median ms, alone. */
  listLimit1SmallMs: number;
  listLimit1LargeMs: number;
  /** `FocusStats._getSessions`, median ms and bytes, alone. */
  getSessionsWholeMs: number;
  getSessionsWholeBytes: number;
  getSessionsPage100Ms: number;
  /** `/health` while 8 whole `_getSessions` of the 100k user run at once: its worst and the 8's slowest, ms. */
  healthWorstUnderLoadMs: number;
  /** `/health` answers other than 200 meanwhile (503: it timed out waiting for the database). */
  healthFailuresUnderLoad: number;
  healthAloneMs: number;
  getSessionsParallel8SlowestMs: number;
}

async function reads(server: ApiServer, databaseUri: string, statsSeeded: boolean): Promise<ReadFigures> {
  const client = await MongoClient.connect(databaseUri, { maxPoolSize: 64 });
  try {
    await seedListedSessions(client.db("focus"), "bench-list-small", 10);
    await seedListedSessions(client.db("focus"), "bench-list-large", seedSizes.large);
    if (!statsSeeded) await seedSessions(client.db("focus"), "bench-summary-large", seedSizes.large);
  } finally {
    await client.close();
  }
  const list = (user: string) => () => timed(server, `/api/v1/sessions?userId=${user}&limit=1`);
  await medianOf(3, list("bench-list-large"));
  const listLimit1SmallMs = (await medianOf(9, list("bench-list-small"))).ms;
  const listLimit1LargeMs = (await medianOf(9, list("bench-list-large"))).ms;
  const whole = () => timed(server, "/api/FocusStats/_getSessions", { user: "bench-summary-large" });
  // Two reads first: the first ones run while the server's code for them is still being compiled.
  await whole();
  await whole();
  const wholeRun = await medianOf(5, whole);
  const page = await medianOf(9, () => timed(server, "/api/FocusStats/_getSessions", { user: "bench-summary-large", limit: 100 }));
  const healthAloneMs = (await medianOf(9, () => timed(server, "/health"))).ms;
  const prober = startHealthProber(`${server.url}/health`);
  const parallel = await Promise.all(Array.from({ length: 8 }, whole));
  const probes = await prober.stop();
  const healthWorstUnderLoadMs = Math.max(0, ...probes.okMs);
  const healthFailuresUnderLoad = probes.failures;
  const getSessionsParallel8SlowestMs = Math.max(...parallel.map((result) => result.ms));
  return {
    listLimit1SmallMs,
    listLimit1LargeMs,
    getSessionsWholeMs: wholeRun.ms,
    getSessionsWholeBytes: wholeRun.bytes,
    getSessionsPage100Ms: page.ms,
    healthWorstUnderLoadMs,
    healthFailuresUnderLoad,
    healthAloneMs,
    getSessionsParallel8SlowestMs,
  };
}

const readsSkipped: ReadFigures = {
  listLimit1SmallMs: Number.NaN, listLimit1LargeMs: Number.NaN, getSessionsWholeMs: Number.NaN, getSessionsWholeBytes: Number.NaN,
  getSessionsPage100Ms: Number.NaN, healthWorstUnderLoadMs: Number.NaN, healthFailuresUnderLoad: 0, healthAloneMs: Number.NaN, getSessionsParallel8SlowestMs: Number.NaN,
};

async function run(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), "bench-http-"));
  const database = await startSharedDatabase(join(root, "data"));
  const profileDir = process.env.BENCH_CPU_PROF;
  const server = await startApiServer({
    mongodbUrl: database.uri,
    env: { API_KEY: apiKey, BENCH_BARE_ROUTE: "1", LOG_LEVEL: "warn" },
    ...(profileDir ? { nodeFlags: ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] } : {}),
  });
  try {
    const ceiling = parts.has("query") ? await queryVersusBare(server) : { bare: skipped, query: skipped };
    const lifecycle = parts.has("lifecycle") ? await lifecycles(server) : { ...skipped, lifecycles: 0, lifecyclesPerSec: Number.NaN };
    const summary = parts.has("summary") ? await summaries(server, database.uri) : { route: "skipped", small: skipped, large: skipped, smallAlone: skipped, largeAlone: skipped, seedSeconds: {} };
    const read = parts.has("reads") ? await reads(server, database.uri, parts.has("summary")) : readsSkipped;
    report({ ...ceiling, lifecycle, summary, read });
  } catch (error) {
    process.stderr.write(`server output:\n${server.output().slice(-5000)}\ndatabase output:\n${database.output().slice(-5000)}\n`);
    throw error;
  } finally {
    await server.stop();
    await database.stop();
    await rm(root, { recursive: true, force: true });
  }
}

function report({
  bare,
  query,
  lifecycle,
  summary,
  read,
}: {
  bare: Figures;
  query: Figures;
  lifecycle: Figures & { lifecyclesPerSec: number; lifecycles: number };
  summary: SummaryFigures;
  read: ReadFigures;
}): void {
  const queryToBare = query.requestsPerSec / bare.requestsPerSec;
  const largeToSmallP99 = summary.largeAlone.p99Ms / summary.smallAlone.p99Ms;
  const clean = [bare, query, lifecycle, summary.small, summary.large, summary.smallAlone, summary.largeAlone].every((f) => f.non2xx === 0 && f.errors === 0);
  const targets = {
    queryAtLeast40PercentOfBare: queryToBare >= 0.4,
    lifecyclesAtLeast500PerSec: lifecycle.lifecyclesPerSec >= 500,
    lifecycleP99Under50ms: lifecycle.p99Ms < 50,
    summary100kP99Under10msAlone: summary.largeAlone.p99Ms < 10,
    summary100kP99Within1_5xOf1kAlone: largeToSmallP99 <= 1.5,
    noErrorsOrNon2xx: clean,
    list100kLimit1Within2xOf10: read.listLimit1LargeMs <= 2 * Math.max(read.listLimit1SmallMs, 5),
    getSessions100kUnder500ms: read.getSessionsWholeMs < 500,
    healthUnder100msWhile8GetSessions100k: read.healthWorstUnderLoadMs < 100 && read.healthFailuresUnderLoad === 0,
  };
  const row = (name: string, f: Figures): (string | number)[] => [name, f.requestsPerSec, f.p50Ms, f.p99Ms, f.non2xx + f.errors];
  console.log(`HTTP server process over npm run db, autocannon at ${connections} connections, ${seconds} s per run`);
  console.log(`machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? "cpu"}, load average ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`);
  console.log(
    formatTable(["run", "req/s", "p50 ms", "p99 ms", "non-2xx+errors"], [
      row("bare route (ceiling)", bare),
      row("FocusStats._viewStats", query),
      row("lifecycle requests (4 per lifecycle)", lifecycle),
      row(`summary, 1k sessions (${summary.route})`, summary.small),
      row("summary, 100k sessions", summary.large),
      row("summary, 1k sessions, 1 connection", summary.smallAlone),
      row("summary, 100k sessions, 1 connection", summary.largeAlone),
    ]),
  );
  console.log();
  console.log(
    formatTable(["figure", "value"], [
      ["query / bare req/s", queryToBare],
      ["completed lifecycles/s", lifecycle.lifecyclesPerSec],
      ["summary p99 100k / 1k (1 connection)", largeToSmallP99],
      ["seeding 100k sessions (s)", summary.seedSeconds.large ?? Number.NaN],
      ["GET /api/v1/sessions limit=1, 10 sessions (ms, median)", read.listLimit1SmallMs],
      ["GET /api/v1/sessions limit=1, 100k sessions (ms, median)", read.listLimit1LargeMs],
      ["_getSessions, 100k sessions whole (ms, median)", read.getSessionsWholeMs],
      ["_getSessions, 100k sessions whole (MB)", read.getSessionsWholeBytes / 1e6],
      ["_getSessions, limit 100 of 100k (ms, median)", read.getSessionsPage100Ms],
      ["/health alone (ms, median)", read.healthAloneMs],
      ["/health worst while 8 whole _getSessions of 100k (ms)", read.healthWorstUnderLoadMs],
      ["/health not 200 meanwhile", read.healthFailuresUnderLoad],
      ["slowest of those 8 _getSessions (ms)", read.getSessionsParallel8SlowestMs],
    ]),
  );
  console.log();
  console.log(formatTable(["target", "met"], Object.entries(targets).map(([name, met]) => [name, met ? "yes" : "NO"])));
  printJsonSummary({ benchmark: "http", connections, seconds, loadAverage: os.loadavg(), bare, query, queryToBare, lifecycle, summary, read, largeToSmallP99, targets });
}

await run();
