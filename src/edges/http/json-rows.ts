/**
 * A query's rows as the JSON array body, written in slices with the event loop free between
 * them. One `c.json` of a long history (100k FocusStats sessions, 14 MB) is one
 * `JSON.stringify` that holds every other request for its whole length (160 ms measured, more
 * with the garbage it leaves at once); in slices of `sliceRows`, a `/health` between two slices
 * waits for one slice at most, and a slow client holds at most what the socket buffers.
 */
import type { Context } from "hono";
import { setImmediate as nextTurn } from "node:timers/promises";

/** Rows per slice: about 150 KB of JSON for a FocusStats session row. */
export const sliceRows = 1_000;

/** Answers `rows` with 200 as a JSON array: at once when short, in slices when long (the bytes are the same). */
export function jsonRows(c: Context, rows: readonly unknown[]): Response {
  if (rows.length <= sliceRows) return c.json(rows, 200);
  const encoder = new TextEncoder();
  let next = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (next > 0) await nextTurn();
      const end = Math.min(rows.length, next + sliceRows);
      // One stringify per slice (an array), its brackets traded for the separators around it.
      const slice = JSON.stringify(rows.slice(next, end));
      controller.enqueue(encoder.encode((next === 0 ? "[" : ",") + slice.slice(1, -1) + (end === rows.length ? "]" : "")));
      next = end;
      if (next === rows.length) controller.close();
    },
  });
  return c.body(body, 200, { "content-type": "application/json" });
}
