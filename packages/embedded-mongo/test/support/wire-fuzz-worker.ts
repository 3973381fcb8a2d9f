/**
 * Runs in a worker thread for the wire fuzz test: throws fast-check frames at parseMessage
 * and reports to the test. Before each parse it copies the frame into shared memory and
 * counts it there, so that a parse which never returns is seen by the test (which terminates
 * this worker) and the frame that caused it is known.
 */
import fc from "fast-check";
import { parentPort, workerData } from "node:worker_threads";
import { MalformedMessageError } from "../../src/wire/malformed.ts";
import { parseMessage } from "../../src/wire/message.ts";
import { anyFrame } from "./wire-fuzz-frames.ts";

export interface FuzzWorkerInput {
  runs: number;
  seed: number;
  /** A parse slower than this (the fastest of 3 tries) fails the run. */
  frameBudgetMs: number;
  /** [count, frame length] as Int32, then the frame's bytes. */
  shared: SharedArrayBuffer;
}

export interface FuzzWorkerResult {
  failed: boolean;
  report: string;
  runs: number;
  refused: number;
  parsed: number;
  slowestMs: number;
  /** Its first 64 bytes in hex. */
  slowestFrame: string;
}

export const SHARED_FRAME_BYTES = 1 << 16;

const input = workerData as FuzzWorkerInput;
const control = new Int32Array(input.shared, 0, 2);
const frameBytes = new Uint8Array(input.shared, 8, SHARED_FRAME_BYTES);
let refused = 0;
let parsed = 0;
let slowestMs = 0;
let slowestFrame = "";

function parseTimed(frame: Buffer): number {
  const started = performance.now();
  try {
    const request = parseMessage(frame);
    if (request.opCode === 2013 ? typeof request.command !== "object" : typeof request.query !== "object") {
      throw new Error("parsed without a command document");
    }
    parsed += 1;
  } catch (error) {
    if (!(error instanceof MalformedMessageError)) throw error;
    refused += 1;
  }
  return performance.now() - started;
}

const details = fc.check(
  fc.property(anyFrame, (frame) => {
    const length = Math.min(frame.length, SHARED_FRAME_BYTES);
    frameBytes.set(frame.subarray(0, length));
    Atomics.store(control, 1, length);
    Atomics.add(control, 0, 1);
    let ms = parseTimed(frame);
    // A pause of the machine (GC, another thread on the core) is not the parser's: a frame
    // slower than a few ms is timed twice more and judged by its fastest parse.
    for (let retry = 0; retry < 2 && ms > 5; retry++) ms = Math.min(ms, parseTimed(frame));
    if (ms > slowestMs) {
      slowestMs = ms;
      slowestFrame = frame.subarray(0, 64).toString("hex");
    }
    if (ms > input.frameBudgetMs) throw new Error(`parse took ${ms.toFixed(1)} ms (budget ${input.frameBudgetMs} ms): ${frame.toString("hex")}`);
  }),
  { numRuns: input.runs, seed: input.seed },
);

const result: FuzzWorkerResult = {
  failed: details.failed,
  report: details.failed ? fc.defaultReportMessage(details) ?? "failed" : "",
  runs: details.numRuns,
  refused,
  parsed,
  slowestMs,
  slowestFrame,
};
parentPort!.postMessage(result);
