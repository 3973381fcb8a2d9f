/**
 * A long query answer goes out in slices (src/edges/http/json-rows.ts): the same JSON a
 * single `c.json` would give, with the event loop free between slices.
 */
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { jsonRows, sliceRows } from "../../src/edges/http/json-rows.ts";

function appAnswering(rows: readonly unknown[]): Hono {
  const app = new Hono();
  app.get("/rows", (c) => jsonRows(c, rows));
  return app;
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
      expect(slices).toBe(5);
    } finally {
      clearInterval(ticker);
    }
    // Four waits between five slices: a timer gets its turn while the answer is written.
    expect(turns).toBeGreaterThan(0);
  });
});
