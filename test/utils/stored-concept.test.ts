/**
 * StoredConcept prepares a concept before its first operation without a call in each
 * method (issue 26): the operations its schemas declare wait for `prepare`, once.
 */
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { action, query, type ConceptSchemas } from "../../src/engine/concept.ts";
import { id } from "../../src/utils/schemas.ts";
import { StoredConcept } from "../../src/utils/stored-concept.ts";
import { useConceptDatabase } from "../concepts/concept-database.ts";

const db = useConceptDatabase();

const NoteSchemas = {
  add: action({ input: z.object({ user: id, text: z.string() }), output: z.object({ note: id }) }),
  _byUser: query({ input: z.object({ user: id }), output: z.object({ note: id, text: z.string() }) }),
} satisfies ConceptSchemas;

interface NoteDoc {
  _id: string;
  user: string;
  text: string;
}

class NoteConcept extends StoredConcept {
  static readonly conceptName = "StoredConceptNote";
  static readonly schemas = NoteSchemas;
  prepared = 0;
  readonly notes = this.collection<NoteDoc>("notes");

  protected async prepare(): Promise<void> {
    this.prepared++;
    await this.notes.createIndex({ user: 1 }, { name: "by_user" });
  }

  // Neither operation calls ensureIndexes().
  async add({ user, text }: { user: string; text: string }): Promise<{ note: string }> {
    const note = `${user}-${text}`;
    await this.notes.insertOne({ _id: note, user, text });
    return { note };
  }

  async _byUser({ user }: { user: string }): Promise<{ note: string; text: string }[]> {
    return (await this.notes.find({ user }).toArray()).map(({ _id, text }) => ({ note: _id, text }));
  }

  /** Not an operation: left as written, and synchronous. */
  describe(): string {
    return `prepared ${this.prepared} times`;
  }
}

describe("StoredConcept", () => {
  it("prepares once, before the first declared operation, without a call in the method", async () => {
    const concept = new NoteConcept(db());
    expect(concept.prepared).toBe(0);
    expect(await concept._byUser({ user: "ada" })).toEqual([]);
    expect(concept.prepared).toBe(1);
    const indexes = await db().collection("StoredConceptNote.notes").indexes();
    expect(indexes.map((index) => index.name)).toContain("by_user");
    await Promise.all([concept.add({ user: "ada", text: "a" }), concept.add({ user: "ada", text: "b" })]);
    expect(concept.prepared).toBe(1);
    expect(concept.describe()).toBe("prepared 1 times");
  });
});
