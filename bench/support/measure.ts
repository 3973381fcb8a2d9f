/**
 * Timing an async operation: run it many times (one at a time, or from several concurrent
 * callers), keep every latency, and summarise as throughput and percentiles.
 */
import { percentile } from "./percentile.ts";

export interface LatencySummary {
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface MeasureOptions {
  iterations: number;
  /** Callers issuing operations at the same time (default 1: strictly sequential). */
  concurrency?: number;
  /** Untimed runs first, so JIT and caches settle (default: a tenth of `iterations`). */
  warmup?: number;
}

/** Runs `operation(i)` for i in [0, iterations), after warm-up runs that get negative i. */
export async function measure(
  operation: (i: number) => Promise<unknown>,
  options: MeasureOptions,
): Promise<LatencySummary> {
  const concurrency = options.concurrency ?? 1;
  const warmup = options.warmup ?? Math.floor(options.iterations / 10);
  await runPool(warmup, concurrency, (i) => operation(i - warmup));

  const latencies = new Float64Array(options.iterations);
  const started = process.hrtime.bigint();
  await runPool(options.iterations, concurrency, async (i) => {
    const begin = process.hrtime.bigint();
    await operation(i);
    latencies[i] = Number(process.hrtime.bigint() - begin) / 1e6;
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  latencies.sort();
  return {
    ops: options.iterations,
    opsPerSec: options.iterations / (elapsedMs / 1000),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** Milliseconds an async step takes, once. */
export async function timeOnce(step: () => Promise<unknown>): Promise<number> {
  const begin = process.hrtime.bigint();
  await step();
  return Number(process.hrtime.bigint() - begin) / 1e6;
}

async function runPool(count: number, concurrency: number, run: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await run(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

/**
 * Measures each operation in `rounds` interleaved rounds and keeps each one's best round: on a
 * shared machine, other processes slow down some rounds, and interleaving keeps a ceiling
 * (such as a ping) and the operations compared with it exposed to the same conditions.
 */
export async function measureBestOfRounds(
  operations: Record<string, (i: number) => Promise<unknown>>,
  options: MeasureOptions & { rounds: number },
): Promise<Record<string, LatencySummary>> {
  const best: Record<string, LatencySummary> = {};
  const calls = new Map<string, number>();
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [name, operation] of Object.entries(operations)) {
      // Each operation sees 0, 1, 2... across warm-ups and rounds (unique ids for inserts).
      const next = (): number => {
        const call = calls.get(name) ?? 0;
        calls.set(name, call + 1);
        return call;
      };
      const summary = await measure(() => operation(next()), options);
      const previous = best[name];
      if (!previous || summary.opsPerSec > previous.opsPerSec) best[name] = summary;
    }
  }
  return best;
}
