/**
 * A query's rows as the JSON array body. A short answer is one `c.json`. A long one is written
 * in slices of `sliceRows` with the event loop free between them, and, when the concept reads
 * it in batches (`QuerySchema.batched`), as the batches come: one `JSON.stringify` of a long
 * history (100k FocusStats sessions, 17 MB) held every other request for its whole length, and
 * holding the whole history until then kept every row alive (the young-generation garbage
 * collector copies what survives, so a held answer cost a third of its time in collection).
 * Streamed, a `/health` waits for one slice at most, memory holds a batch, and a slow client
 * holds what the socket buffers.
 */
import type { Context } from "hono";
import { setImmediate as nextTurn } from "node:timers/promises";
import { JsonRows, type RowBatches } from "../../engine/concept.ts";
import { OneAtATime } from "../../utils/one-at-a-time.ts";

/** Rows per slice: about 150 KB of JSON for a FocusStats session row. */
export const sliceRows = 1_000;

const openBracket = "[".charCodeAt(0);
const comma = ",".charCodeAt(0);
const openBracketBytes = new Uint8Array([openBracket]);
const commaBytes = new Uint8Array([comma]);

/** Answers the rows of `batches` with 200 as one JSON array (the bytes `c.json` of all rows would give). */
export async function jsonRows(c: Context, batches: RowBatches): Promise<Response> {
  const slices = slicesOf(batches);
  const first = await slices.next();
  if (first.done === true) return c.json([], 200);
  const second = await slices.next();
  if (second.done === true) return first.value instanceof JsonRows ? c.body(`[${first.value.text()}]`, 200, jsonType) : c.json(first.value, 200);
  const encoder = new TextEncoder();
  const waiting: Slice[] = [first.value, second.value];
  let started = false;
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      sliceTurns.run(async () => {
        await nextTurn();
        const next = waiting.shift() ?? (await slices.next()).value;
        if (next === undefined) {
          controller.enqueue(encoder.encode("]"));
          controller.close();
          return;
        }
        if (next instanceof JsonRows) {
          // Written as JSON by the concept: its bytes go as they are, after the separator.
          controller.enqueue(started ? commaBytes : openBracketBytes);
          controller.enqueue(next.json);
        } else {
          // One stringify per slice (an array), its brackets traded for the separators around
          // it in the bytes (no copy of the text): "[" opens the answer, "," joins the next slice.
          const bytes = encoder.encode(JSON.stringify(next));
          bytes[0] = started ? comma : openBracket;
          controller.enqueue(bytes.subarray(0, bytes.length - 1));
        }
        started = true;
      }),
    async cancel() {
      // The client went away: the concept's reading stops (its cursor closes).
      await slices.return(undefined);
    },
  });
  return c.body(body, 200, jsonType);
}

const jsonType = { "content-type": "application/json" };

/** What one turn writes: rows, or rows the concept wrote as JSON. */
type Slice = readonly unknown[] | JsonRows;

/**
 * Turns at reading and writing a slice, one at a time across every answer this process
 * streams, with the event loop free before each: eight long answers at once then take turns
 * instead of each taking a slice in every turn of the loop (which held a `/health` for the
 * time of eight slices, several times over). A slow client holds no turn: its answer asks
 * for the next slice only once the socket has taken the last.
 */
const sliceTurns = new OneAtATime();

/** The rows of `batches` in slices of at most `sliceRows` (none empty); a batch written as JSON is one slice as the concept cut it. */
async function* slicesOf(batches: RowBatches): AsyncGenerator<Slice, void, undefined> {
  for await (const batch of batches) {
    if (batch instanceof JsonRows) {
      if (batch.count > 0) yield batch;
      continue;
    }
    for (let start = 0; start < batch.length; start += sliceRows) yield batch.length <= sliceRows ? batch : batch.slice(start, start + sliceRows);
  }
}
