import { describe, expect, it } from "vitest";
import { actions, Frames, Logging, Sync, SyncConcept, Vars } from "@engine";

/** Plain classes, as the template's engine tests write them: no schemas, synchronous methods, state in fields. */
class TallyConcept {
  total = 0;
  add({ amount }: { amount: number }) {
    this.total += amount;
    return { total: this.total };
  }
  _total() {
    return [{ total: this.total }];
  }
}

class LogConcept {
  lines: string[] = [];
  write({ line }: { line: string }) {
    this.lines.push(line);
    return { line };
  }
}

function setup() {
  const engine = new SyncConcept();
  engine.logging = Logging.OFF;
  const { Tally, Log } = engine.instrument({ Tally: new TallyConcept(), Log: new LogConcept() });
  return { engine, Tally, Log };
}

describe("@engine: the template's SyncConcept over this engine", () => {
  it("runs instrumented actions as flows with their syncs, and keeps the instances' fields readable", async () => {
    const { engine, Tally, Log } = setup();
    engine.register({
      LogEachAdd: ({ total }: Vars) => ({
        when: actions([Tally.add, {}, { total }]),
        then: actions([Log.write, { line: total }]),
      }),
    });
    expect(await Tally.add({ amount: 2 })).toEqual({ total: 2 });
    await Tally.add({ amount: 3 });
    expect(Tally.total).toBe(5);
    expect(Log.lines).toEqual([2, 5]);
  });

  it("chains Frames methods on a query without awaiting it, and map returns Frames", async () => {
    const { engine, Tally, Log } = setup();
    engine.register({
      AtTen: ({ total, seen }: Vars) => ({
        when: actions([Tally.add, {}, {}]),
        where: (frames: Frames) =>
          frames
            .query(Tally._total, {}, { total })
            .map((frame) => ({ ...frame, [seen]: `total ${String(frame[total])}` }))
            .filter(($) => $[total] === 10),
        then: actions([Log.write, { line: seen }]),
      }),
    });
    await Tally.add({ amount: 4 });
    await Tally.add({ amount: 6 });
    await Tally.add({ amount: 1 });
    expect(Log.lines).toEqual(["total 10"]);
  });

  it("prints one line per action at TRACE, none at OFF, inputs and outputs at VERBOSE", async () => {
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    }) as typeof process.stdout.write;
    try {
      const { engine, Tally } = setup();
      await Tally.add({ amount: 1 });
      engine.logging = Logging.TRACE;
      await Tally.add({ amount: 1 });
      const traced = lines.length;
      engine.logging = Logging.VERBOSE;
      await Tally.add({ amount: 1 });
      expect(traced).toBe(1);
      expect(lines[0]).toContain("Tally.add");
      expect(lines[0]).not.toContain('"amount"');
      expect(lines[1]).toContain('"amount":1');
    } finally {
      process.stdout.write = write;
    }
  });

  it("exports Sync and Vars as values too, so imports written without `type` run", () => {
    const declared = Sync(() => ({ when: actions(), then: actions() }));
    expect(typeof declared).toBe("function");
    const { a, b } = Vars();
    expect([typeof a, a?.description, b?.description]).toEqual(["symbol", "a", "b"]);
  });
});

describe("Frames", () => {
  it("map answers Frames that still reach the engine, so a query can follow it", async () => {
    const { engine, Tally, Log } = setup();
    engine.register({
      MapThenQuery: ({ label, total }: Vars) => ({
        when: actions([Tally.add, {}, {}]),
        where: async (frames: Frames) => {
          const mapped = frames.map((frame) => ({ ...frame, [label]: "after map" }));
          expect(mapped).toBeInstanceOf(Frames);
          return mapped.query(Tally._total, {}, { total }).filter(($) => $[total] === 7);
        },
        then: actions([Log.write, { line: label }]),
      }),
    });
    await Tally.add({ amount: 7 });
    expect(Log.lines).toEqual(["after map"]);
  });
});
