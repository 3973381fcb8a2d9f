import { describe, expect, it } from "vitest";
import { z } from "zod";
import { query } from "../../src/engine/concept.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { actions } from "../../src/engine/patterns.ts";
import { conceptRef } from "../../src/engine/refs.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Requests, Stats } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";

/** Counts the calls that reach Stats._total, wrapping the concept's own method. */
function countingTotals() {
  const calls: string[] = [];
  const { engine, concepts } = engineWith({}, {}, ({ stats }) => {
    const total = stats._total.bind(stats);
    stats._total = async (input) => {
      calls.push(input.user);
      return total(input);
    };
  });
  return { engine, concepts, calls };
}

describe("identical reads asked in one turn", () => {
  it("share one call: fifty askers, one read, every asker answered alike", async () => {
    const { engine, concepts, calls } = countingTotals();
    concepts.stats.totals.set("ada", 25);
    const answers = await Promise.all(Array.from({ length: 50 }, () => engine.query(Stats._total, { user: "ada" })));
    expect(calls).toEqual(["ada"]);
    expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(new Set([JSON.stringify([{ total: 25 }])]));
  });

  it("with other inputs, or in later turns, are read apart", async () => {
    const { engine, concepts, calls } = countingTotals();
    concepts.stats.totals.set("ada", 25).set("grace", 50);
    const [ada, grace] = await Promise.all([engine.query(Stats._total, { user: "ada" }), engine.query(Stats._total, { user: "grace" })]);
    expect([ada, grace]).toEqual([[{ total: 25 }], [{ total: 50 }]]);
    await engine.query(Stats._total, { user: "ada" });
    expect(calls).toEqual(["ada", "grace", "ada"]);
  });

  it("see every write acknowledged before they were asked, even one made while an identical read waits", async () => {
    const { engine, concepts, calls } = countingTotals();
    const before = engine.query(Stats._total, { user: "ada" });
    // Acknowledged after the first read was asked but before the second: the shared call
    // starts after both, so both see it.
    await engine.invoke(Stats.record, { user: "ada", minutes: 5 });
    const after = engine.query(Stats._total, { user: "ada" });
    expect(await Promise.all([before, after])).toEqual([[{ total: 5 }], [{ total: 5 }]]);
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(concepts.stats.totals.get("ada")).toBe(5);
  });

  it("fail together when the shared call throws, and the next turn reads again", async () => {
    let fail = true;
    const { engine, concepts } = engineWith({}, {}, ({ stats }) => {
      const total = stats._total.bind(stats);
      stats._total = async (input) => {
        if (fail) throw new Error("disk on fire");
        return total(input);
      };
    });
    concepts.stats.totals.set("ada", 1);
    const results = await Promise.allSettled([engine.query(Stats._total, { user: "ada" }), engine.query(Stats._total, { user: "ada" })]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
    fail = false;
    expect(await engine.query(Stats._total, { user: "ada" })).toEqual([{ total: 1 }]);
  });

  it("are shared by the where-clauses of sibling syncs of one request", async () => {
    const Sibling = (badge: string): Sync => ({ total }) => ({
      when: actions([Requests.request, { path: "/dashboard" }, {}]),
      where: (frames) => frames.query(Stats._total, { user: "ada" }, { total }),
      then: actions([Stats.record, { user: badge, minutes: total }]),
    });
    const { engine, concepts, calls } = countingTotals();
    engine.registerSyncs({ First: Sibling("first"), Second: Sibling("second"), Third: Sibling("third") });
    concepts.stats.totals.set("ada", 7);
    await engine.invoke(Requests.request, { path: "/dashboard" });
    // Sibling syncs run one after another in a flow, so each where-clause asks in its own turn;
    // concurrent requests are what share. Every read is still answered.
    expect(calls.length).toBe(3);
    expect([concepts.stats.totals.get("first"), concepts.stats.totals.get("second"), concepts.stats.totals.get("third")]).toEqual([7, 7, 7]);
    const flows = await Promise.all(Array.from({ length: 10 }, () => engine.invoke(Requests.request, { path: "/dashboard" })));
    expect(flows).toHaveLength(10);
    // Ten requests at once: each sibling's ten reads are one.
    expect(calls.length).toBe(3 + 3);
  });
});

const LedgerSchemas = {
  _balance: query({ input: z.object({ user: z.string() }), output: z.object({ balance: z.number() }), many: true }),
};

/** A concept whose query answers many inputs in one call, recording each call it gets. */
class LedgerConcept {
  static readonly conceptName = "Ledger";
  static readonly schemas = LedgerSchemas;
  readonly balances = new Map<string, number>([["ada", 3], ["grace", 5]]);
  readonly calls: string[][] = [];
  manyAnswersOneTooFew = false;

  async _balance({ user }: { user: string }) {
    this.calls.push([user]);
    return [{ balance: this.balances.get(user) ?? 0 }];
  }

  async _balanceMany(inputs: readonly { user: string }[]) {
    this.calls.push(inputs.map(({ user }) => user));
    const answers = inputs.map(({ user }) => [{ balance: this.balances.get(user) ?? 0 }]);
    return this.manyAnswersOneTooFew ? answers.slice(1) : answers;
  }
}
const Ledger = conceptRef(LedgerConcept);

function ledgerEngine() {
  const ledger = new LedgerConcept();
  const engine = new SyncEngine();
  engine.register([ledger]);
  return { engine, ledger };
}

describe("reads of a query that answers many inputs at once (QuerySchema.many)", () => {
  it("are asked in one call per turn, each distinct input once, and each asker gets its own answer", async () => {
    const { engine, ledger } = ledgerEngine();
    const answers = await Promise.all(["ada", "grace", "ada", "nobody"].map((user) => engine.query(Ledger._balance, { user })));
    expect(answers).toEqual([[{ balance: 3 }], [{ balance: 5 }], [{ balance: 3 }], [{ balance: 0 }]]);
    expect(ledger.calls).toEqual([["ada", "grace", "nobody"]]);
  });

  it("alone in its turn, a read is the plain query", async () => {
    const { engine, ledger } = ledgerEngine();
    expect(await engine.query(Ledger._balance, { user: "grace" })).toEqual([{ balance: 5 }]);
    expect(ledger.calls).toEqual([["grace"]]);
  });

  it("a many method that answers the wrong number of answers fails every read of the call, not one with another's answer", async () => {
    const { engine, ledger } = ledgerEngine();
    ledger.manyAnswersOneTooFew = true;
    const results = await Promise.allSettled([engine.query(Ledger._balance, { user: "ada" }), engine.query(Ledger._balance, { user: "grace" })]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });

  it("is refused at registration when the class lacks the many method", () => {
    class Broken {
      static readonly conceptName = "Broken";
      static readonly schemas = LedgerSchemas;
      async _balance() {
        return [];
      }
    }
    expect(() => new SyncEngine().register([new Broken()])).toThrow("Broken._balance is declared many but the class has no _balanceMany method");
  });
});
