/**
 * Engine benchmark: the 6-action request flow (request -> end -> stats + streak -> badge ->
 * respond) and the 4-action direct flow (end -> stats + streak -> badge) over in-memory test
 * concepts, with the durable log off and on (the embedded database, in memory), plus heap
 * retained per finished flow and the time of one 16k-action flow.
 *
 *   npm run bench:engine            (FLOWS=20000 DURABLE_FLOWS=4000 to change the sizes)
 */
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "@focus/embedded-mongo";
import { SyncEngine } from "../src/engine/engine.ts";
import type { EngineOptions } from "../src/engine/engine.ts";
import type { Sync } from "../src/engine/sync.ts";
import { chainSyncs } from "../test/engine/support/chain.ts";
import { Requests, Sessions, testConcepts } from "../test/engine/support/concepts.ts";
import { heapAfterGc } from "../test/engine/support/gc.ts";
import { directFlowSyncs, requestFlowSyncs } from "../test/engine/support/syncs.ts";
import { measure, timeOnce } from "./support/measure.ts";
import { formatTable, printJsonSummary } from "./support/report.ts";

const flows = Number(process.env.FLOWS ?? 20_000);
const durableFlows = Number(process.env.DURABLE_FLOWS ?? 4_000);
/** Concurrent flows with the durable log on, as a server under load would have. */
const durableConcurrency = 64;

type Scenario = "request" | "direct";

function setUp(scenario: Scenario, options: EngineOptions) {
  const concepts = testConcepts();
  const engine = new SyncEngine(options);
  engine.register(Object.values(concepts));
  engine.registerSyncs(scenario === "request" ? requestFlowSyncs : directFlowSyncs);
  let next = 0;
  /** One flow; sessions get unique ids and responses are taken, so nothing piles up per flow. */
  const flow = async () => {
    const session = `s${next++}`;
    concepts.sessions.start(session, `u${next % 100}`);
    if (scenario === "direct") return engine.invoke(Sessions.end, { session });
    const { output } = await engine.invoke(Requests.request, { path: "/sessions/end", id: session });
    concepts.requests.take((output as { request: string }).request);
  };
  return { engine, flow };
}

const actionsPerFlow: Record<Scenario, number> = { request: 6, direct: 4 };

async function inMemory(scenario: Scenario) {
  const { flow } = setUp(scenario, {});
  const summary = await measure(flow, { iterations: flows });
  return { scenario, log: "off", flowsPerSec: summary.opsPerSec, usPerAction: 1e6 / summary.opsPerSec / actionsPerFlow[scenario], p99Ms: summary.p99Ms };
}

async function durable(scenario: Scenario, uri: string) {
  const client = await MongoClient.connect(uri);
  try {
    const { engine, flow } = setUp(scenario, { db: client.db(`bench_engine_${scenario}`) });
    await engine.start();
    const summary = await measure(flow, { iterations: durableFlows, concurrency: durableConcurrency });
    await engine.stop();
    return { scenario, log: "on", flowsPerSec: summary.opsPerSec, usPerAction: 1e6 / summary.opsPerSec / actionsPerFlow[scenario], p99Ms: summary.p99Ms };
  } finally {
    await client.close();
  }
}

/** Heap retained after GC by finished request flows (log off), per flow. */
async function retainedBytesPerFlow(): Promise<number> {
  const { flow } = setUp("request", {});
  for (let i = 0; i < 10_000; i++) await flow();
  const before = heapAfterGc();
  const measured = 100_000;
  for (let i = 0; i < measured; i++) await flow();
  // Raw: GC noise can make it slightly negative; that reads as "nothing retained".
  return (heapAfterGc() - before) / measured;
}

async function longFlowMs(actions: number): Promise<number> {
  const run = async () => {
    const concepts = testConcepts();
    const engine = new SyncEngine();
    engine.register(Object.values(concepts));
    engine.registerSyncs(chainSyncs(actions) as Record<string, Sync>);
    return timeOnce(() => engine.invoke(Requests.request, { path: "/chain" }));
  };
  // The first runs compile the hot paths; a server runs warm.
  await run();
  await run();
  return Math.min(await run(), await run(), await run());
}

const rows = [await inMemory("request"), await inMemory("direct")];
const mongo = await startEmbeddedMongo({ inMemory: true });
try {
  rows.push(await durable("request", mongo.uri), await durable("direct", mongo.uri));
} finally {
  await mongo.stop();
}
const retained = await retainedBytesPerFlow();
const longFlow = await longFlowMs(16_000);

console.log(
  formatTable(
    ["flow", "log", "flows/s", "us/action", "p99 ms"],
    rows.map((row) => [`${row.scenario} (${actionsPerFlow[row.scenario]} actions)`, row.log, row.flowsPerSec, row.usPerAction, row.p99Ms]),
  ),
);
console.log(`heap retained after GC: ${(retained * 10_000).toFixed(0)} bytes per 10k finished flows (${retained.toFixed(2)} bytes/flow)`);
console.log(`one 16k-action flow: ${longFlow.toFixed(1)} ms (${((longFlow * 1000) / 16_000).toFixed(2)} us/action; best of 3 after 2 warm-up runs)`);
const figure = (scenario: Scenario, log: string) => rows.find((row) => row.scenario === scenario && row.log === log)?.flowsPerSec ?? 0;
printJsonSummary({
  requestFlowsPerSec: figure("request", "off"),
  directFlowsPerSec: figure("direct", "off"),
  durableRequestFlowsPerSec: figure("request", "on"),
  durableDirectFlowsPerSec: figure("direct", "on"),
  retainedBytesPerFlow: retained,
  longFlow16kMs: longFlow,
});
