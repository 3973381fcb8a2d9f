/**
 * A long query answer goes out in slices (src/edges/http/json-rows.ts): the same JSON a
 * single `c.json` would give, with the event loop free between slices.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { JsonRows, type RowBatch } from "../../src/engine/concept.ts";
import { jsonRows, sliceRows } from "../../src/edges/http/json-rows.ts";

function appAnswering(rows: readonly unknown[]): Hono {
  const app = new Hono();
  app.get("/rows", (c) => jsonRows(c, [rows]));
  return app;
}

/** Rows as a concept reading them in batches gives them, told when its reading ends. */
async function* batchesOf(rows: readonly unknown[], sizes: readonly number[], ended: () => void): AsyncGenerator<readonly unknown[]> {
  try {
    let start = 0;
    for (const size of sizes) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      yield rows.slice(start, start + size);
      start += size;
    }
  } finally {
    ended();
  }
}

const rowsOf = (count: number) => Array.from({ length: count }, (_, index) => ({ n: index, at: new Date(Date.UTC(2026, 0, 1, 0, 0, index)), text: `row "${index}"\n` }));

describe("jsonRows", () => {
  it.each([0, 1, sliceRows, sliceRows + 1, 3 * sliceRows + 7])("answers %i rows as the JSON array c.json would", async (count) => {
    const rows = rowsOf(count);
    const response = await appAnswering(rows).request("/rows");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await response.text();
    expect(text).toBe(JSON.stringify(rows));
  });

  it("lets other work run between the slices of a long answer", async () => {
    const response = await appAnswering(rowsOf(5 * sliceRows)).request("/rows");
    let turns = 0;
    const ticker = setInterval(() => (turns += 1), 0);
    try {
      const reader = response.body!.getReader();
      let slices = 0;
      while (!(await reader.read()).done) slices += 1;
      // Five slices, then the closing bracket.
      expect(slices).toBe(6);
    } finally {
      clearInterval(ticker);
    }
    // Four waits between five slices: a timer gets its turn while the answer is written.
    expect(turns).toBeGreaterThan(0);
  });

  it.each([
    ["batches smaller than a slice, and empty ones", [0, 300, 0, 700, 1, 999, 1_000]],
    ["batches larger than a slice", [2_500, 10, 3_000]],
    ["one short batch", [42]],
    ["no rows at all", [0, 0]],
  ])("streams %s as the one JSON array of all their rows", async (_, sizes) => {
    const rows = rowsOf(sizes.reduce((sum, size) => sum + size, 0));
    let ended = false;
    const app = new Hono();
    app.get("/rows", (c) => jsonRows(c, batchesOf(rows, sizes, () => (ended = true))));
    const response = await app.request("/rows");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).toBe(JSON.stringify(rows));
    expect(ended).toBe(true);
  });

  it.each([
    ["batches all written as JSON, one of them empty", [300, 0, 1_700, 5], () => true],
    ["one batch written as JSON", [42], () => true],
    ["one empty batch written as JSON", [0], () => true],
    ["batches written as JSON between arrays of rows", [1, 2_500, 0, 999, 3], (index: number) => index % 2 === 1],
  ])("writes %s as the concept wrote them, in the one JSON array of all the rows", async (_, sizes, asJson) => {
    // Non-ASCII text: a batch's bytes are its text's, whatever its length in characters.
    const rows = rowsOf(sizes.reduce((sum, size) => sum + size, 0)).map((row) => ({ ...row, text: `${row.text} é𝄞` }));
    const batches: RowBatch[] = [];
    let start = 0;
    for (const [index, size] of sizes.entries()) {
      const batch = rows.slice(start, start + size);
      batches.push(asJson(index) ? JsonRows.of(batch.map((row) => JSON.stringify(row))) : batch);
      start += size;
    }
    const app = new Hono();
    app.get("/rows", (c) => jsonRows(c, batches));
    const response = await app.request("/rows");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await response.text()).toBe(JSON.stringify(rows));
  });

  it("stops reading the batches when the client goes away", async () => {
    const rows = rowsOf(10 * sliceRows);
    let ended = false;
    let given = 0;
    const app = new Hono();
    app.get("/rows", (c) =>
      jsonRows(
        c,
        (async function* () {
          for await (const batch of batchesOf(rows, Array.from({ length: 10 }, () => sliceRows), () => (ended = true))) {
            given += 1;
            yield batch;
          }
        })(),
      ),
    );
    const response = await app.request("/rows");
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ended).toBe(true);
    expect(given).toBeLessThan(10);
  });

  it("never ends a stream whose reading failed as if it were whole: the body errors instead of closing its array", async () => {
    const app = new Hono();
    app.get("/rows", (c) =>
      jsonRows(
        c,
        (async function* () {
          yield rowsOf(sliceRows);
          yield rowsOf(sliceRows);
          throw new Error("the cursor died");
        })(),
      ),
    );
    const response = await app.request("/rows");
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow(/the cursor died/);
  });
});
