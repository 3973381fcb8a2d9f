/**
 * Issue 10, item 1: no frame can hang or blow up the wire parser. fast-check throws
 * FUZZ_RUNS (default 100,000) random, structured and mutated frames at parseMessage in a
 * worker thread: each must parse or be refused with MalformedMessageError within
 * FUZZ_FRAME_MS (default 20 ms, the fastest of 3 tries), and a parse that never returns is
 * caught by a watchdog that names the frame. Then a few hundred refused frames go over
 * sockets to a server while another connection keeps answering ping.
 *
 *   FUZZ_RUNS=2000000 FUZZ_SEED=42 npx vitest run test/embedded-mongo/wire-fuzz.test.ts
 */
import fc from "fast-check";
import { Worker } from "node:worker_threads";
import { describe, expect, it } from "vitest";
import { HEADER_SIZE, MAX_MESSAGE_SIZE } from "../src/wire/header.ts";
import { parseMessage } from "../src/wire/message.ts";
import { closedWithin, connect, useWorkerServerWithPinger } from "./support/raw-wire.ts";
import { anyFrame } from "./support/wire-fuzz-frames.ts";
import type { FuzzWorkerInput, FuzzWorkerResult } from "./support/wire-fuzz-worker.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 0x7fffffff);
const FRAME_BUDGET_MS = Number(process.env.FUZZ_FRAME_MS ?? 20);
const SOCKET_FRAMES = Number(process.env.FUZZ_SOCKET_FRAMES ?? 300);
const SHARED_FRAME_BYTES = 1 << 16;
/** No new frame for this long means a parse does not return. */
const STUCK_MS = 3_000;

/** Registers tsx's loader in the worker, then loads the TypeScript entry (as worker-host.ts does). */
function bootstrap(entry: URL): string {
  const tsxApi = import.meta.resolve("tsx/esm/api");
  return `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
}

function runFuzzWorker(runs: number, seed: number): Promise<FuzzWorkerResult> {
  const shared = new SharedArrayBuffer(8 + SHARED_FRAME_BYTES);
  const control = new Int32Array(shared, 0, 2);
  const input: FuzzWorkerInput = { runs, seed, frameBudgetMs: FRAME_BUDGET_MS, shared };
  const worker = new Worker(bootstrap(new URL("./support/wire-fuzz-worker.ts", import.meta.url)), { eval: true, workerData: input });
  return new Promise((resolve, reject) => {
    let lastCount = -1;
    let lastChange = Date.now();
    const watchdog = setInterval(() => {
      const count = Atomics.load(control, 0);
      if (count !== lastCount) {
        lastCount = count;
        lastChange = Date.now();
        return;
      }
      // Before the first frame the worker is still loading: only a started parse can be stuck.
      if (count > 0 && Date.now() - lastChange > STUCK_MS) {
        clearInterval(watchdog);
        const length = Atomics.load(control, 1);
        const frame = Buffer.from(new Uint8Array(shared, 8, length)).toString("hex");
        void worker.terminate();
        reject(new Error(`frame ${count} (seed ${seed}) did not parse or fail within ${STUCK_MS} ms: ${frame}`));
      }
    }, 200);
    worker.once("message", (result: FuzzWorkerResult) => {
      clearInterval(watchdog);
      void worker.terminate();
      resolve(result);
    });
    worker.once("error", (error) => {
      clearInterval(watchdog);
      reject(error);
    });
  });
}

describe("wire fuzz", () => {
  it(`${RUNS} random and mutated frames: each parses or is refused, within ${FRAME_BUDGET_MS} ms`, async () => {
    const result = await runFuzzWorker(RUNS, SEED);
    console.info(
      `wire fuzz seed ${SEED}: ${result.runs} frames, ${result.refused} refused, ${result.parsed} parsed, slowest ${result.slowestMs.toFixed(2)} ms (${result.slowestFrame})`,
    );
    expect(result.report).toBe("");
    expect(result.failed).toBe(false);
    expect(result.runs).toBe(RUNS);
    // The generators must mostly produce frames that fail, and some that still parse.
    expect(result.refused).toBeGreaterThan(RUNS / 2);
    expect(result.parsed).toBeGreaterThan(0);
  }, 120_000);

  describe("over sockets", () => {
    const running = useWorkerServerWithPinger();

    /** Frames the parser refuses and a stream cannot mistake for a frame still arriving. */
    function refusedFrames(count: number): Buffer[] {
      const frames: Buffer[] = [];
      for (const frame of fc.sample(anyFrame, { numRuns: count * 20, seed: SEED })) {
        if (frames.length === count) break;
        if (frame.length < 4) continue;
        const length = frame.readInt32LE(0);
        const cutByReader = length < HEADER_SIZE || length > MAX_MESSAGE_SIZE;
        if (!cutByReader && length !== frame.length) continue;
        try {
          parseMessage(frame);
          continue;
        } catch {
          frames.push(frame);
        }
      }
      return frames;
    }

    it(`${SOCKET_FRAMES} malformed frames each close their connection while another keeps answering ping`, async () => {
      const frames = refusedFrames(SOCKET_FRAMES);
      expect(frames.length, `seed ${SEED}`).toBe(SOCKET_FRAMES);
      const pingTimes: number[] = [];
      const pingFailures: string[] = [];
      const notClosed: string[] = [];
      const parallel = 10;
      for (let i = 0; i < frames.length; i += parallel) {
        // Each batch of bad frames goes out while a ping from another connection is in flight.
        const ping = running.pinger.ping(1_000).then(
          (ms) => void pingTimes.push(ms),
          (error: unknown) => void pingFailures.push(`batch ${i / parallel}: ${String(error)}`),
        );
        await Promise.all([
          ping,
          ...frames.slice(i, i + parallel).map(async (frame) => {
            try {
              const socket = await connect(running.server.port);
              socket.write(frame);
              if (!(await closedWithin(socket, 2_000))) notClosed.push(`still open: ${frame.toString("hex")}`);
              socket.destroy();
            } catch (error) {
              notClosed.push(`${String(error)}: ${frame.toString("hex")}`);
            }
          }),
        ]);
      }
      expect(pingFailures).toEqual([]);
      expect(notClosed).toEqual([]);
      expect(pingTimes.length).toBe(Math.ceil(frames.length / parallel));
      expect(Math.max(...pingTimes)).toBeLessThan(1_000);
    }, 60_000);
  });
});
