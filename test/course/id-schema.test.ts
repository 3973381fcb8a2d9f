import { describe, expect, expectTypeOf, it } from "vitest";
import { z } from "zod";
import type { Db } from "mongodb";
import { action, query, type ConceptImplementation } from "../../src/engine/concept.ts";
import { ID as idSchema, id } from "@utils/schemas.ts";
import { ID } from "@utils/types.ts";

const schemas = {
  open: action({ input: z.object({ owner: idSchema, question: z.string() }), output: z.object({ poll: idSchema }) }),
  _byOwner: query({ input: z.object({ owner: idSchema }), output: z.object({ poll: idSchema }) }),
};

/** A course concept typed with the template's branded ID, given schemas: it must satisfy them. */
class TypedPollConcept implements ConceptImplementation<typeof schemas> {
  static readonly conceptName = "TypedPoll";
  static readonly schemas = schemas;
  constructor(_db: Db) {}
  async open({ owner }: { owner: ID; question: string }): Promise<{ poll: ID }> {
    return { poll: ID(`${owner}:poll`) };
  }
  async _byOwner({ owner }: { owner: ID }): Promise<{ poll: ID }[]> {
    return [{ poll: ID(`${owner}:poll`) }];
  }
}

describe("the ID schema", () => {
  it("infers the branded ID, so methods typed with ID satisfy schemas built from it", () => {
    expectTypeOf<z.infer<typeof idSchema>>().toEqualTypeOf<ID>();
    expectTypeOf<z.infer<typeof id>>().toEqualTypeOf<string>();
    expect(TypedPollConcept.conceptName).toBe("TypedPoll");
  });

  it("accepts and refuses what `id` does", () => {
    for (const value of ["a", "x".repeat(200), "", "x".repeat(201), 7]) {
      expect(idSchema.safeParse(value).success).toBe(id.safeParse(value).success);
    }
    expect(idSchema.safeParse("").success).toBe(false);
  });
});
