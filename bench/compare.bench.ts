/**
 * `npm run bench:compare`: the project's server against the same API written the plain way
 * (`bench/baseline/`: hono + mongodb, every effect of a completion inline, no action log), on
 * one embedded database (`npm run db`, its own process, a temporary DATA_DIR), each side on a
 * database name of its own, in turn: project, baseline, project, baseline (BENCH_ROUNDS, at
 * least 2; the figures are the medians over rounds).
 *
 * Each side's server reaches the database through a counting proxy (`support/command-proxy.ts`,
 * a process of its own), which counts the database commands the server sends; CPU times of the
 * server, database and proxy processes come from /proc. Workloads (autocannon, from this
 * process, after a warm-up of a third of a run):
 *
 * - lifecycle: seed 004's POST start then PATCH complete (endStudyTimestamp), rotating over
 *   1,000 users, at 50 connections, and again at 1 connection (latency alone);
 * - summary, list (limit 20) and `POST /api/FocusStats/_viewStats` for a user with 1,000
 *   completed sessions, at 50 connections;
 * - the summary of each of the lifecycle's 1,000 users in turn, at 50 connections: reads no two
 *   clients ask at once, which the project cannot share (src/engine/shared-reads.ts).
 *
 * In the first round each side seeds that user through its own routes, one start and one
 * completion at a time (timed: "seeding 1,000 completions"), then runs a few requests of each
 * kind one at a time, counting each one's commands alone. BENCH_SECONDS (default 10) sets the
 * length of a run. The last line is one JSON object with every figure and the ratios.
 *
 * `BENCH_SIDES=project,baseline,concepts` adds a third side, in turn with the others: the
 * project's five concepts called by hand (`bench/concepts-by-hand/`, no engine, no log, the
 * same answers), which tells what the engine costs from what the concepts themselves cost.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import { startApiServer, startSharedDatabase } from "../test/support/server-process.ts";
import { throughProxy, type CommandCounts } from "./support/command-proxy.ts";
import { cpuMs, scriptPid } from "./support/cpu.ts";
import { startScript, type ScriptProcess } from "./support/processes.ts";
import { formatTable, printJsonSummary, type Cell } from "./support/report.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const rounds = Math.max(2, Number(process.env.BENCH_ROUNDS ?? 2));
const connections = 50;
const apiKey = "bench-key";
const headers = { "content-type": "application/json", "x-api-key": apiKey };
const lifecycleUsers = 1000;
const seededSessions = 1000;
const reader = "cmp-reader";
/** Requests of each kind counted one at a time in the first round. */
const probeRequests = 10;
/** Time for work a server finishes after answering (the project's log is flushed within 20 ms). */
const settleMs = 60;

type SideName = "project" | "baseline" | "concepts";
/** All three by default (issue 25 splits the gap in two by the third); `BENCH_SIDES=project,baseline` leaves the concepts by hand out. */
const chosenSides = (process.env.BENCH_SIDES ?? "project,baseline,concepts").split(",").map((side) => side.trim());
const sides: readonly SideName[] = (["project", "baseline", "concepts"] as const).filter((side) => side !== "concepts" || chosenSides.includes("concepts"));
const sideTitles: Record<SideName, string> = { project: "project", baseline: "baseline", concepts: "concepts by hand" };

interface Server {
  url: string;
  pid: number;
  stop(): Promise<unknown>;
  output(): string;
}

interface Processes {
  databasePid: number;
  proxy: ScriptProcess;
  proxiedUri: string;
}

async function startSide(side: SideName, { proxiedUri }: Processes): Promise<Server> {
  const database = `cmp_${side}`;
  if (side === "project") {
    return startApiServer({ mongodbUrl: proxiedUri, env: { API_KEY: apiKey, LOG_LEVEL: "warn", MONGODB_DB: database } });
  }
  const entry = side === "baseline" ? "bench/baseline/server.ts" : "bench/concepts-by-hand/server.ts";
  const plain = await startScript(entry, { MONGODB_URL: proxiedUri, MONGODB_DB: database, PORT: "0", API_KEY: apiKey }, /listening on (http:\/\/\S+)/);
  return { ...plain, url: plain.ready[0]! };
}

/** What the processes have done so far: commands through the proxy, CPU of each. */
interface Snapshot {
  counts: CommandCounts;
  apiCpuMs: number;
  databaseCpuMs: number;
  proxyCpuMs: number;
}

function proxyCounts(proxy: ScriptProcess): Promise<CommandCounts> {
  return new Promise((resolve) => {
    proxy.child.once("message", (message) => resolve(message as CommandCounts));
    proxy.child.send("counts");
  });
}

async function snapshot(server: Server, processes: Processes): Promise<Snapshot> {
  return {
    counts: await proxyCounts(processes.proxy),
    apiCpuMs: cpuMs(scriptPid(server.pid)),
    databaseCpuMs: cpuMs(processes.databasePid),
    proxyCpuMs: cpuMs(processes.proxy.pid),
  };
}

function commandsBetween(before: CommandCounts, after: CommandCounts): Record<string, number> {
  const byName: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.byName)) {
    const difference = count - (before.byName[name] ?? 0);
    if (difference > 0) byName[name] = difference;
  }
  return byName;
}

function sum(values: Record<string, number>): number {
  return Object.values(values).reduce((total, value) => total + value, 0);
}

// ---------------------------------------------------------------------------------------------
// Workloads

interface Workload {
  name: string;
  connections: number;
  /** HTTP requests in one operation. */
  requestsPerOp: number;
  /** The requests of one run; `tag` makes its users its own; `done` counts finished operations. */
  requests(tag: string, done: { count: number }): autocannon.Request[];
}

function post(path: string, body: object): autocannon.Request {
  return { method: "POST", path, headers, body: JSON.stringify(body) };
}

/** Start, then complete the session the start answered; each connection takes the next user of the rotation. */
function lifecycle(tag: string, done: { count: number }): autocannon.Request[] {
  let nextUser = 0;
  return [
    {
      ...post("/api/v1/sessions", {}),
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ userId: `cmp-${tag}-user-${nextUser++ % lifecycleUsers}`, subject: "Calculus" }) }),
      onResponse: (status, body, context) => {
        context.session = status === 201 ? (JSON.parse(body) as { session: { id: string } }).session.id : undefined;
      },
    },
    {
      method: "PATCH",
      headers,
      setupRequest: (request, context) =>
        typeof context.session !== "string"
          ? undefined
          : { ...request, path: `/api/v1/sessions/${context.session}`, body: JSON.stringify({ endStudyTimestamp: new Date().toISOString() }) },
      onResponse: (status) => {
        if (status === 200) done.count += 1;
      },
    },
  ];
}

/** One request, again and again; every 2xx answer is an operation. */
function repeated(request: autocannon.Request): Workload["requests"] {
  return (_tag, done) => [
    {
      ...request,
      onResponse: (status) => {
        if (status < 300) done.count += 1;
      },
    },
  ];
}

const summaryRequest: autocannon.Request = { method: "GET", path: `/api/v1/sessions/summary?userId=${reader}`, headers };
const listRequest: autocannon.Request = { method: "GET", path: `/api/v1/sessions?userId=${reader}&limit=20`, headers };
const viewStatsRequest = post("/api/FocusStats/_viewStats", { user: reader });

/**
 * The summary of a different user each time: the 1,000 users whose sessions the same side's
 * lifecycle run of this round completed. Fifty clients reading one user ask identical reads,
 * which the project shares (src/engine/shared-reads.ts); these never are.
 */
function summariesOfManyUsers(tag: string, done: { count: number }): autocannon.Request[] {
  const lifecycleTag = tag.replace(/-summaryUsers$/, "-lifecycle");
  let nextUser = 0;
  return [
    {
      ...summaryRequest,
      setupRequest: (request) => ({ ...request, path: `/api/v1/sessions/summary?userId=cmp-${lifecycleTag}-user-${nextUser++ % lifecycleUsers}` }),
      onResponse: (status) => {
        if (status < 300) done.count += 1;
      },
    },
  ];
}

const workloads: readonly Workload[] = [
  { name: "lifecycle", connections, requestsPerOp: 2, requests: lifecycle },
  { name: "summary", connections, requestsPerOp: 1, requests: repeated(summaryRequest) },
  { name: "summaryUsers", connections, requestsPerOp: 1, requests: summariesOfManyUsers },
  { name: "list", connections, requestsPerOp: 1, requests: repeated(listRequest) },
  { name: "viewStats", connections, requestsPerOp: 1, requests: repeated(viewStatsRequest) },
  { name: "lifecycle1", connections: 1, requestsPerOp: 2, requests: lifecycle },
];

const workloadTitles: Record<string, string> = {
  lifecycle: `lifecycle (POST + PATCH), ${connections} conn`,
  summary: "GET summary, 1k sessions",
  summaryUsers: "GET summary, 1k users in turn",
  list: "GET list limit 20, 1k sessions",
  viewStats: "POST FocusStats/_viewStats",
  lifecycle1: "lifecycle, 1 connection",
};

interface RunFigures {
  /** Lifecycles completed, or 2xx answers, per second. */
  opsPerSec: number;
  ops: number;
  /** Operations sent (answered or in flight at the end): what commands and CPU are divided by. */
  opsSent: number;
  /** Per request. */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  commandsPerOp: number;
  apiCpuMsPerOp: number;
  databaseCpuMsPerOp: number;
  proxyCpuMsPerOp: number;
  commandsByName: Record<string, number>;
}

/** Waits until the server has sent no command for 100 ms (the last requests of a run finishing). */
async function quiet(processes: Processes): Promise<void> {
  let last = -1;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const { total } = await proxyCounts(processes.proxy);
    if (total === last) return;
    last = total;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function run(server: Server, processes: Processes, workload: Workload, tag: string): Promise<RunFigures> {
  const options = (runTag: string, done: { count: number }, duration: number): autocannon.Options => ({
    url: server.url,
    connections: workload.connections,
    duration,
    requests: workload.requests(runTag, done),
  });
  await autocannon(options(`${tag}-warmup`, { count: 0 }, Math.max(1, seconds / 3)));
  const done = { count: 0 };
  // The warm-up's last requests finish first, so that their work is not counted in this run.
  await quiet(processes);
  const before = await snapshot(server, processes);
  const result = await autocannon(options(tag, done, seconds));
  await quiet(processes);
  const after = await snapshot(server, processes);
  // Commands and CPU are shared over the operations sent, not only those answered: the requests
  // in flight when the run stopped were served (their answers went nowhere) and did their work.
  const ops = Math.max(result.requests.sent / workload.requestsPerOp, 1);
  const commandsByName = commandsBetween(before.counts, after.counts);
  return {
    opsPerSec: done.count / result.duration,
    ops: done.count,
    opsSent: ops,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    commandsPerOp: sum(commandsByName) / ops,
    apiCpuMsPerOp: (after.apiCpuMs - before.apiCpuMs) / ops,
    databaseCpuMsPerOp: (after.databaseCpuMs - before.databaseCpuMs) / ops,
    proxyCpuMsPerOp: (after.proxyCpuMs - before.proxyCpuMs) / ops,
    commandsByName: Object.fromEntries(Object.entries(commandsByName).map(([name, count]) => [name, count / ops])),
  };
}

// ---------------------------------------------------------------------------------------------
// Seeding and the one-at-a-time probe

async function call(server: Server, method: string, path: string, body?: object): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, { method, headers, ...(body && { body: JSON.stringify(body) }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text);
}

async function startSession(server: Server, userId: string, startTimestamp?: Date): Promise<string> {
  const answer = (await call(server, "POST", "/api/v1/sessions", { userId, subject: "Calculus", ...(startTimestamp && { startTimestamp: startTimestamp.toISOString() }) })) as {
    session: { id: string };
  };
  return answer.session.id;
}

async function completeSession(server: Server, session: string, endStudyTimestamp = new Date()): Promise<void> {
  await call(server, "PATCH", `/api/v1/sessions/${session}`, { endStudyTimestamp: endStudyTimestamp.toISOString() });
}

/**
 * The reader's 1,000 completed sessions, one start and one completion at a time: 25 minutes
 * each, ending every 15 minutes over the last ~10 days (so streak days and daily progress move).
 * Answers the seconds it took.
 */
async function seedReader(server: Server): Promise<number> {
  const began = performance.now();
  const step = 15 * 60_000;
  const firstEnd = Date.now() - seededSessions * step;
  for (let index = 0; index < seededSessions; index += 1) {
    const end = firstEnd + index * step;
    const session = await startSession(server, reader, new Date(end - 25 * 60_000));
    await completeSession(server, session, new Date(end));
  }
  return (performance.now() - began) / 1000;
}

type ProbeKind = "start" | "complete" | "summary" | "list" | "viewStats";

/** Each kind of request sent alone, `probeRequests` times: the commands of one request, by name. */
async function probe(server: Server, processes: Processes, side: SideName): Promise<Record<ProbeKind, Record<string, number>>> {
  const totals: Record<ProbeKind, Record<string, number>> = { start: {}, complete: {}, summary: {}, list: {}, viewStats: {} };
  const measured = async <T>(kind: ProbeKind, request: () => Promise<T>): Promise<T> => {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const before = await proxyCounts(processes.proxy);
    const answer = await request();
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    for (const [name, count] of Object.entries(commandsBetween(before, await proxyCounts(processes.proxy)))) {
      totals[kind][name] = (totals[kind][name] ?? 0) + count / probeRequests;
    }
    return answer;
  };
  for (let index = 0; index < probeRequests; index += 1) {
    // A user with history, as in the lifecycle runs: one session completed before the probe.
    const user = `cmp-probe-${side}-${index}`;
    await completeSession(server, await startSession(server, user));
    const session = await measured("start", () => startSession(server, user));
    await measured("complete", () => completeSession(server, session));
    await measured("summary", () => call(server, "GET", summaryRequest.path!));
    await measured("list", () => call(server, "GET", listRequest.path!));
    await measured("viewStats", () => call(server, "POST", viewStatsRequest.path!, { user: reader }));
  }
  return totals;
}

// ---------------------------------------------------------------------------------------------
// The rounds

interface SideResults {
  runs: Record<string, RunFigures[]>;
  seedingSeconds: number;
  sequential: Record<ProbeKind, Record<string, number>>;
}

async function benchmarkSide(side: SideName, round: number, processes: Processes, results: SideResults): Promise<void> {
  const server = await startSide(side, processes);
  try {
    if (round === 0) {
      results.seedingSeconds = await seedReader(server);
      process.stdout.write(`  ${side}: seeded ${seededSessions} completions one by one in ${results.seedingSeconds.toFixed(1)} s\n`);
      results.sequential = await probe(server, processes, side);
    }
    for (const workload of workloads) {
      const figures = await run(server, processes, workload, `${side}-r${round}-${workload.name}`);
      (results.runs[workload.name] ??= []).push(figures);
      process.stdout.write(
        `  ${side} ${workload.name}: ${figures.opsPerSec.toFixed(0)}/s p99 ${figures.p99Ms} ms, ${figures.commandsPerOp.toFixed(1)} commands/op, non-2xx ${figures.non2xx}\n`,
      );
    }
  } catch (error) {
    process.stderr.write(`${side} server output:\n${server.output().slice(-5000)}\n`);
    throw error;
  } finally {
    await server.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

type Medians = Omit<RunFigures, "commandsByName">;

function medians(runs: RunFigures[]): Medians {
  const of = (field: keyof Omit<RunFigures, "commandsByName">): number => median(runs.map((figures) => figures[field]));
  return {
    opsPerSec: of("opsPerSec"),
    ops: of("ops"),
    opsSent: of("opsSent"),
    p50Ms: of("p50Ms"),
    p99Ms: of("p99Ms"),
    // Every failed answer of every round counts.
    non2xx: runs.reduce((total, figures) => total + figures.non2xx, 0),
    errors: runs.reduce((total, figures) => total + figures.errors, 0),
    commandsPerOp: of("commandsPerOp"),
    apiCpuMsPerOp: of("apiCpuMsPerOp"),
    databaseCpuMsPerOp: of("databaseCpuMsPerOp"),
    proxyCpuMsPerOp: of("proxyCpuMsPerOp"),
  };
}

async function main(): Promise<void> {
  const loadAverageAtStart = os.loadavg();
  const root = await mkdtemp(join(tmpdir(), "bench-compare-"));
  const database = await startSharedDatabase(join(root, "data"));
  let proxy: ScriptProcess | undefined;
  const results = Object.fromEntries(
    sides.map((side): [SideName, SideResults] => [side, { runs: {}, seedingSeconds: Number.NaN, sequential: { start: {}, complete: {}, summary: {}, list: {}, viewStats: {} } }]),
  ) as Record<SideName, SideResults>;
  try {
    proxy = await startScript("bench/support/command-proxy-process.ts", { PROXY_TARGET: database.uri }, /command proxy on (\d+)/, { ipc: true });
    const processes: Processes = { databasePid: scriptPid(database.pid), proxy, proxiedUri: throughProxy(database.uri, Number(proxy.ready[0])) };
    for (let round = 0; round < rounds; round += 1) {
      for (const side of sides) {
        process.stdout.write(`round ${round + 1}/${rounds}: ${side}\n`);
        await benchmarkSide(side, round, processes, results[side]);
      }
    }
  } catch (error) {
    process.stderr.write(`database output:\n${database.output().slice(-5000)}\nproxy output:\n${proxy?.output().slice(-2000) ?? ""}\n`);
    throw error;
  } finally {
    await proxy?.stop();
    await database.stop();
    await rm(root, { recursive: true, force: true });
  }
  report(results, loadAverageAtStart);
}

// ---------------------------------------------------------------------------------------------
// The report

const ratio = (project: number, baseline: number): number => project / baseline;

/** One side's figures against another's. */
function ratiosOf(side: Medians, other: Medians): Record<"opsPerSec" | "p99Ms" | "commandsPerOp" | "apiCpuMsPerOp" | "databaseCpuMsPerOp", number> {
  return {
    opsPerSec: ratio(side.opsPerSec, other.opsPerSec),
    p99Ms: ratio(side.p99Ms, other.p99Ms),
    commandsPerOp: ratio(side.commandsPerOp, other.commandsPerOp),
    apiCpuMsPerOp: ratio(side.apiCpuMsPerOp, other.apiCpuMsPerOp),
    databaseCpuMsPerOp: ratio(side.databaseCpuMsPerOp, other.databaseCpuMsPerOp),
  };
}

const withConcepts = sides.includes("concepts");

function describeCommands(byName: Record<string, number>): string {
  return Object.entries(byName)
    .sort(([, a], [, b]) => b - a)
    .map(([name, count]) => `${name} ${Number.isInteger(count) ? count : count.toFixed(1)}`)
    .join(", ");
}

function report(results: Record<SideName, SideResults>, loadAverageAtStart: number[]): void {
  const figures = Object.fromEntries(
    workloads.map(({ name }) => {
      const project = medians(results.project.runs[name]!);
      const baseline = medians(results.baseline.runs[name]!);
      const ratios = ratiosOf(project, baseline);
      const byName = (side: SideName) => results[side].runs[name]!.map((run) => run.commandsByName);
      const concepts = withConcepts ? medians(results.concepts.runs[name]!) : undefined;
      const conceptsFigures = concepts && {
        concepts,
        // The concepts by hand against the hand-written side, and the project against them: the engine's own cost.
        conceptsRatios: { toBaseline: ratiosOf(concepts, baseline), projectToConcepts: ratiosOf(project, concepts) },
      };
      return [name, { project, baseline, ratios, ...conceptsFigures, commandsByNamePerRound: Object.fromEntries(sides.map((side) => [side, byName(side)])) }];
    }),
  );
  const sequential = Object.fromEntries(
    (["start", "complete", "summary", "list", "viewStats"] as const).map((kind) => {
      const project = sum(results.project.sequential[kind]);
      const baseline = sum(results.baseline.sequential[kind]);
      return [kind, { project, baseline, ratio: ratio(project, baseline), byName: { project: results.project.sequential[kind], baseline: results.baseline.sequential[kind] } }];
    }),
  ) as Record<ProbeKind, { project: number; baseline: number; ratio: number; byName: Record<SideName, Record<string, number>> }>;
  const lifecycleCommands = {
    project: sequential.start.project + sequential.complete.project,
    baseline: sequential.start.baseline + sequential.complete.baseline,
  };
  const seeding = { project: results.project.seedingSeconds, baseline: results.baseline.seedingSeconds, ratio: ratio(results.project.seedingSeconds, results.baseline.seedingSeconds) };
  const reads = ["summary", "list", "viewStats"] as const;
  const clean = Object.values(figures).every((figure) => sides.every((side) => figure[side]!.non2xx + figure[side]!.errors === 0));
  // Issue 9's targets.
  const targets = {
    readCommandsAtMostBaseline: reads.every((kind) => sequential[kind].project <= sequential[kind].baseline),
    lifecycleCommandsAtMost1_5x: lifecycleCommands.project <= 1.5 * lifecycleCommands.baseline,
    lifecycleThroughputAtLeast0_8x: figures.lifecycle!.ratios.opsPerSec >= 0.8,
    readThroughputAtLeast0_95x: reads.every((kind) => figures[kind]!.ratios.opsPerSec >= 0.95),
    lifecycleP99AtMost1_5x: figures.lifecycle!.ratios.p99Ms <= 1.5,
    noNon2xxOrErrors: clean,
  };

  // Issue 25's targets, for the reads it names (summary and list of one user) and the lifecycle.
  const issue25Reads = ["summary", "list"] as const;
  const toConcepts = (name: string) => figures[name]!.conceptsRatios;
  const requestPathTargets = withConcepts
    ? {
        readsAtLeast0_9xBaseline: issue25Reads.every((kind) => figures[kind]!.ratios.opsPerSec >= 0.9),
        lifecycleAtLeast0_72xBaseline: figures.lifecycle!.ratios.opsPerSec >= 0.72,
        lifecycle1ConnectionAtLeast0_6xBaseline: figures.lifecycle1!.ratios.opsPerSec >= 0.6,
        lifecycleP99AtMost1_5xBaseline: figures.lifecycle!.ratios.p99Ms <= 1.5,
        engineAndEdgeReadsAtLeast0_95x: issue25Reads.every((kind) => toConcepts(kind)!.projectToConcepts.opsPerSec >= 0.95),
        engineAndEdgeLifecycleAtLeast0_85x: toConcepts("lifecycle")!.projectToConcepts.opsPerSec >= 0.85,
        conceptsStateReadsAtLeast0_95x: issue25Reads.every((kind) => toConcepts(kind)!.toBaseline.opsPerSec >= 0.95),
        conceptsStateLifecycleAtLeast0_85x: toConcepts("lifecycle")!.toBaseline.opsPerSec >= 0.85,
      }
    : undefined;

  const cpus = os.cpus();
  const others = withConcepts ? " and the concepts by hand (bench/concepts-by-hand/)" : "";
  console.log(`\nproject (src/main.ts) vs baseline (bench/baseline/)${others}, one npm run db, ${seconds} s runs, medians of ${rounds} rounds, in turn`);
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "cpu"}, load average at start ${loadAverageAtStart.map((load) => load.toFixed(2)).join(" ")}, now ${os.loadavg().map((load) => load.toFixed(2)).join(" ")}\n`);
  const rows: Cell[][] = workloads.flatMap(({ name }) =>
    sides.map((side): Cell[] => {
      const f = figures[name]![side]!;
      return [side === "project" ? workloadTitles[name]! : "", sideTitles[side], f.opsPerSec, f.p50Ms, f.p99Ms, String(f.non2xx + f.errors), f.commandsPerOp, f.apiCpuMsPerOp, f.databaseCpuMsPerOp];
    }),
  );
  console.log(formatTable(["workload (ops: lifecycles or answers)", "side", "ops/s", "p50 ms", "p99 ms", "non-2xx+errors", "db cmds/op", "API CPU ms/op", "DB CPU ms/op"], rows));
  console.log();
  console.log(
    formatTable(
      ["project / baseline", "ops/s", "p99", "db cmds/op", "API CPU/op", "DB CPU/op"],
      workloads.map(({ name }) => {
        const r = figures[name]!.ratios;
        return [workloadTitles[name]!, r.opsPerSec, r.p99Ms, r.commandsPerOp, r.apiCpuMsPerOp, r.databaseCpuMsPerOp];
      }),
    ),
  );
  if (withConcepts) {
    console.log();
    console.log(
      formatTable(
        ["concepts by hand / baseline, project / concepts by hand", "ops/s", "p99", "db cmds/op", "API CPU/op", "DB CPU/op"],
        workloads.flatMap(({ name }) => {
          const { toBaseline: c, projectToConcepts: p } = figures[name]!.conceptsRatios!;
          return [
            [`${workloadTitles[name]!}: concepts / baseline`, c.opsPerSec, c.p99Ms, c.commandsPerOp, c.apiCpuMsPerOp, c.databaseCpuMsPerOp],
            ["  project / concepts", p.opsPerSec, p.p99Ms, p.commandsPerOp, p.apiCpuMsPerOp, p.databaseCpuMsPerOp],
          ];
        }),
      ),
    );
  }
  console.log();
  console.log(
    formatTable(
      ["one request alone", "project cmds", "baseline cmds", "ratio", "project commands", "baseline commands"],
      (Object.keys(sequential) as ProbeKind[]).map((kind) => {
        const s = sequential[kind];
        return [kind, s.project, s.baseline, s.ratio, describeCommands(s.byName.project), describeCommands(s.byName.baseline)];
      }),
    ),
  );
  console.log();
  console.log(
    formatTable(["figure", "project", "baseline", "ratio"], [
      [`seeding ${seededSessions} completions one by one (s)`, seeding.project, seeding.baseline, seeding.ratio],
      ["commands per lifecycle, alone", lifecycleCommands.project, lifecycleCommands.baseline, ratio(lifecycleCommands.project, lifecycleCommands.baseline)],
    ]),
  );
  console.log();
  console.log(formatTable(["issue 9 target", "met"], Object.entries(targets).map(([name, met]) => [name, met ? "yes" : "NO"])));
  if (requestPathTargets !== undefined) {
    console.log();
    console.log(formatTable(["issue 25 target", "met"], Object.entries(requestPathTargets).map(([name, met]) => [name, met ? "yes" : "NO"])));
  }
  if (!clean) console.log("\nWARNING: some runs had non-2xx answers or errors: their figures do not count");
  printJsonSummary({
    benchmark: "compare",
    seconds,
    connections,
    rounds,
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model ?? "unknown", node: process.version, loadAverageAtStart, loadAverageAtEnd: os.loadavg() },
    workloads: figures,
    sequential,
    lifecycleCommands,
    seeding,
    ...(withConcepts && { conceptsByHand: { seedingSeconds: results.concepts.seedingSeconds, sequential: results.concepts.sequential } }),
    targets,
    ...(requestPathTargets !== undefined && { requestPathTargets }),
    clean,
  });
}

await main();
