/**
 * The log keeps what provenance needs and nothing can make it fail for others: large values
 * are cut (the cut marked), values are stored as JSON text (so no key can make a write fail),
 * and a record that still cannot be written fails for its own flow alone.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { action, type ConceptImplementation } from "../../src/engine/concept.ts";
import { SyncEngine } from "../../src/engine/engine.ts";
import { forLog, logJson } from "../../src/engine/log-values.ts";
import { conceptRef } from "../../src/engine/refs.ts";
import { loggedRecords } from "../support/action-log.ts";
import { useTestDatabase } from "../support/database.ts";

const NotesSchemas = {
  write: action({ input: z.object({ user: z.string(), text: z.string(), extra: z.record(z.string(), z.unknown()).optional() }), output: z.object({ echo: z.unknown() }) }),
};

/**
 * Echoes what it is given; for the user "loop", an answer with no JSON (a cycle, a getter
 * that throws); for "unlisted", one whose keys cannot even be listed.
 */
class NotesConcept implements ConceptImplementation<typeof NotesSchemas> {
  static readonly conceptName = "Notes";
  static readonly schemas = NotesSchemas;

  async write({ user, text, extra }: { user: string; text: string; extra?: Record<string, unknown> | undefined }): Promise<{ echo: unknown }> {
    if (user === "unlisted") return { echo: new Proxy({}, { ownKeys: () => { throw new Error("unlisted"); } }) };
    if (user !== "loop") return { echo: { text, extra } };
    const loop: Record<string, unknown> = { user };
    loop["self"] = loop;
    Object.defineProperty(loop, "broken", { enumerable: true, get: () => { throw new Error("unreadable"); } });
    return { echo: loop };
  }
}
const Notes = conceptRef(NotesConcept);

describe("what the log keeps of values", () => {
  it("keeps small values as they are, and cuts large ones with a mark, their size and their start", () => {
    expect(forLog({ a: 1, b: "two", at: new Date(0) })).toEqual({ a: 1, b: "two", at: new Date(0) });
    const big = forLog({ user: "ann", text: "x".repeat(1_000_000) }) as Record<string, unknown>;
    expect(big["user"]).toBe("ann");
    expect(big["text"]).toMatchObject({ cut: true, bytes: 1_000_002, preview: expect.stringMatching(/^"x+$/) });
    expect(JSON.stringify(big).length).toBeLessThan(4096);
    const many = forLog(Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`k${index}`, index]))) as Record<string, unknown>;
    expect(JSON.stringify(many).length).toBeLessThan(4096 + 200);
    expect(many["(cut)"]).toMatchObject({ cut: true, dropped: expect.any(Number) });
  });

  it("gives as JSON text what it keeps of a value, small, large or without JSON", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop["self"] = loop;
    const values = [{ a: 1, at: new Date(0) }, { user: "ann", text: "x".repeat(10_000) }, loop, "text", 7, null];
    for (const value of values) expect(JSON.parse(logJson(value)!)).toEqual(JSON.parse(JSON.stringify(forLog(value))));
    expect(logJson(undefined)).toBeUndefined();
  });

  it("cuts what nests too deep, cycles included", () => {
    const loop: Record<string, unknown> = { name: "loop" };
    loop["self"] = loop;
    expect(JSON.stringify(forLog(loop, 100_000)).length).toBeLessThan(100_000);
  });

  it("keeps keys a database could not take as field names: they are stored inside JSON text", () => {
    expect(forLog({ "a\u0000b": 1, "$where": 2, "x.y": { "$gt": 3 } })).toEqual({ "a\u0000b": 1, "$where": 2, "x.y": { "$gt": 3 } });
  });
});

describe("the log under bad values", () => {
  const database = useTestDatabase();

  it("a value with no JSON, or whose keys cannot even be listed, is cut: every flow's record is written", async () => {
    const engine = new SyncEngine({ db: database.db, collectionPrefix: "bounds" });
    engine.register([new NotesConcept()]);
    await engine.start();
    const users = ["ann", "loop", "unlisted", "bea", "cy"];
    const results = await Promise.all(users.map((user) => engine.invoke(Notes.write, { user, text: "x".repeat(100_000), extra: { "a\u0000b": 1 } })));
    await engine.stop();
    expect(results).toHaveLength(5);
    const records = await loggedRecords(database.db, "bounds");
    expect(records.map((record) => record.input["user"]).sort()).toEqual(["ann", "bea", "cy", "loop", "unlisted"]);
    for (const user of ["loop", "unlisted"]) {
      expect(records.find((record) => record.input["user"] === user)?.output).toEqual({ echo: { cut: true, bytes: -1, preview: "[object Object]" } });
    }
    const ann = records.find((record) => record.input["user"] === "ann");
    expect(ann?.input["text"]).toMatchObject({ cut: true, bytes: 100_002 });
    expect(ann?.input["extra"]).toEqual({ "a\u0000b": 1 });
  });
});
