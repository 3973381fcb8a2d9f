/**
 * `engine.queryBatches`: a query's rows in batches as the concept reads them, for edges that
 * stream a long answer (`query({ batched: true })` with a `<query>Batches` method), and one
 * batch of the whole answer for every other query.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { query, rowsOfBatch, type InputOf, type RowBatches } from "../../src/engine/concept.ts";
import { SyncEngine } from "../../src/engine/engine.ts";

const byUpTo = z.object({ upTo: z.number().int().nonnegative() });
const row = z.object({ n: z.number() });

class Numbers {
  static readonly conceptName = "Numbers";
  static readonly schemas = {
    _count: query({ input: byUpTo, output: row, batched: true }),
    _plain: query({ input: byUpTo, output: row }),
  };
  /** How many batches the batched reading has given, and whether it ended. */
  given = 0;
  ended = false;

  async _count({ upTo }: InputOf<typeof Numbers.schemas._count>) {
    return Array.from({ length: upTo }, (_, n) => ({ n }));
  }

  async _countBatches({ upTo }: InputOf<typeof Numbers.schemas._count>): Promise<RowBatches<{ n: number }> | { error: string }> {
    if (upTo === 13) return { error: "unlucky" };
    return threesUpTo(this, upTo);
  }

  async _plain({ upTo }: InputOf<typeof Numbers.schemas._plain>) {
    return Array.from({ length: upTo }, (_, n) => ({ n }));
  }
}

/** 0 to upTo - 1 in batches of three, counting on `reading` what is given and whether it ended. */
async function* threesUpTo(reading: { given: number; ended: boolean }, upTo: number): AsyncGenerator<{ n: number }[]> {
  try {
    for (let start = 0; start < upTo; start += 3) {
      reading.given += 1;
      yield Array.from({ length: Math.min(3, upTo - start) }, (_, i) => ({ n: start + i }));
    }
  } finally {
    reading.ended = true;
  }
}

async function collected(batches: RowBatches): Promise<unknown[][]> {
  const all: unknown[][] = [];
  for await (const batch of batches) all.push([...rowsOfBatch(batch)]);
  return all;
}

describe("engine.queryBatches", () => {
  it("answers a batched query from its Batches method, the same rows query answers whole", async () => {
    const numbers = new Numbers();
    const engine = new SyncEngine();
    engine.register([numbers]);
    const batches = await collected((await engine.queryBatches({ concept: "Numbers", name: "_count" }, { upTo: 7 })) as RowBatches);
    expect(batches).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }], [{ n: 3 }, { n: 4 }, { n: 5 }], [{ n: 6 }]]);
    expect(numbers.ended).toBe(true);
    expect(await engine.query({ concept: "Numbers", name: "_count" }, { upTo: 7 })).toEqual(batches.flat());
  });

  it("reads no further than its reader takes", async () => {
    const numbers = new Numbers();
    const engine = new SyncEngine();
    engine.register([numbers]);
    for await (const batch of (await engine.queryBatches({ concept: "Numbers", name: "_count" }, { upTo: 30 })) as RowBatches) {
      expect(batch).toHaveLength(3);
      break;
    }
    expect(numbers.given).toBe(1);
    expect(numbers.ended).toBe(true);
  });

  it("refuses invalid input and passes on the concept's { error } before any batch", async () => {
    const engine = new SyncEngine();
    engine.register([new Numbers()]);
    expect(await engine.queryBatches({ concept: "Numbers", name: "_count" }, { upTo: -1 })).toMatchObject({ reason: "invalid" });
    expect(await engine.queryBatches({ concept: "Numbers", name: "_count" }, { upTo: 13 })).toEqual({ error: "unlucky" });
  });

  it("answers a query without batches in one batch", async () => {
    const engine = new SyncEngine();
    engine.register([new Numbers()]);
    expect(await collected((await engine.queryBatches({ concept: "Numbers", name: "_plain" }, { upTo: 4 })) as RowBatches)).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]]);
  });

  it("refuses to register a batched query whose class has no Batches method", () => {
    class Broken {
      static readonly conceptName = "Broken";
      static readonly schemas = { _all: query({ input: byUpTo, output: row, batched: true }) };
      async _all() {
        return [];
      }
    }
    expect(() => new SyncEngine().register([new Broken()])).toThrow(/_all is declared batched but the class has no _allBatches method/);
  });
});
