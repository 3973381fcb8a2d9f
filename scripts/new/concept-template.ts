/**
 * The files `npm run new -- concept <Name>` writes: a concept with its schemas, a spec
 * skeleton, and a test that walks its principle through the test helpers. A working
 * example (a list of items per user) for the student to reshape, not a blank page.
 */

export function conceptFiles(name: string): Map<string, string> {
  const item = name.charAt(0).toLowerCase() + name.slice(1);
  return new Map([
    [`src/concepts/${name}/${name}Concept.ts`, conceptSource(name, item)],
    [`src/concepts/${name}/${name}.spec.md`, specSource(name, item)],
    [`test/concepts/${name}.test.ts`, testSource(name, item)],
  ]);
}

function conceptSource(name: string, item: string): string {
  return `import { randomUUID } from "node:crypto";
import { z } from "zod";
import { action, query, type ConceptImplementation, type ConceptSchemas, type ErrorOutput, type InputOf, type OutputOf } from "../../engine/concept.ts";
import { conceptRef } from "../../engine/refs.ts";
import { refuseUnlessOwner } from "../../utils/ownership.ts";
import { id } from "../../utils/schemas.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";

/** One ${item} as the queries answer it. */
const ${item}Row = z.object({ ${item}: id, user: id, title: z.string(), createdAt: z.date() });

/** Each action and query once, as zod schemas: HTTP validation, /openapi.json, docs/api/ and sync typing derive from them. */
export const ${name}Schemas = {
  create: action({
    input: z.object({ user: id, title: z.string().min(1).max(500) }),
    output: z.object({ ${item}: id }),
    description: "Creates a ${item} for the user.",
  }),
  remove: action({
    input: z.object({ ${item}: id, user: id.optional() }),
    output: z.object({}),
    description: "Removes a ${item}.",
  }),
  _get: query({
    input: z.object({ ${item}: id, user: id.optional() }),
    output: ${item}Row,
    description: "The ${item} with this id (none if unknown).",
  }),
  _list: query({
    input: z.object({ user: id }),
    output: ${item}Row,
    description: "The user's ${item}s, oldest first.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof ${name}Schemas;
type Row = OutputOf<Schemas["_get"]>;

interface ${name}Doc {
  _id: string;
  user: string;
  title: string;
  createdAt: Date;
}

/**
 * concept ${name} [User]
 * purpose   (what this concept is for, in one line)
 * principle a user creates a ${item}; it is listed for them until they remove it
 */
export class ${name}Concept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "${name}";
  static readonly schemas = ${name}Schemas;

  private readonly items = this.collection<${name}Doc>("items");

  /** Runs once, before the first operation (StoredConcept sees to it, no call needed): indexes for the queries. */
  protected async prepare(): Promise<void> {
    await this.items.createIndexes([{ key: { user: 1, createdAt: 1 }, name: "by_user" }]);
  }

  /** create (user, title): (${item})
   *  requires title is not empty
   *  effects  stores a new ${item} owned by user, created now */
  async create({ user, title }: InputOf<Schemas["create"]>): Promise<{ ${item}: string } | ErrorOutput> {
    if (title.trim() === "") return { error: "title must not be empty" };
    const ${item} = randomUUID();
    await this.items.insertOne({ _id: ${item}, user, title, createdAt: this.clock.now() });
    return { ${item} };
  }

  /** remove (${item}, user?): ()
   *  requires the ${item} exists (else not_found); user, if given, owns it (else forbidden)
   *  effects  deletes it */
  async remove({ ${item}, user }: InputOf<Schemas["remove"]>): Promise<Record<string, never> | ErrorOutput> {
    const found = await this.items.findOne({ _id: ${item} });
    if (found === null) return { error: "${item} not found", reason: "not_found" };
    const refusal = refuseUnlessOwner(found.user, user, "${item}");
    if (refusal) return refusal;
    await this.items.deleteOne({ _id: ${item} });
    return {};
  }

  /** _get (${item}, user?): (${item}, user, title, createdAt) -- none when unknown; forbidden for another user's */
  async _get({ ${item}, user }: InputOf<Schemas["_get"]>): Promise<Row[] | ErrorOutput> {
    const found = await this.items.findOne({ _id: ${item} });
    if (found === null) return [];
    return refuseUnlessOwner(found.user, user, "${item}") ?? [toRow(found)];
  }

  /** _list (user): (${item}, user, title, createdAt) -- oldest first */
  async _list({ user }: InputOf<Schemas["_list"]>): Promise<Row[]> {
    return (await this.items.find({ user }).sort({ createdAt: 1, _id: 1 }).toArray()).map(toRow);
  }
}

function toRow({ _id, user, title, createdAt }: ${name}Doc): Row {
  return { ${item}: _id, user, title, createdAt };
}

/** What syncs name: \`${name}.create\`, \`${name}._list\`. */
export const ${name} = conceptRef(${name}Concept);
`;
}

function specSource(name: string, item: string): string {
  return `# concept: ${name} [User]

**purpose** (what this concept is for, in one line)

**principle** a user creates a ${item}; it is listed for them until they remove it

**state**

    a set of Items with
      a user User
      a title String
      a createdAt Date

**actions**

    create (user: User, title: String): (${item}: Item)
      requires title is not empty
      effects  stores a new ${item} owned by user, created now

    remove (${item}: Item, user?: User): ()
      requires the ${item} exists (else not_found); user, if given, owns it (else forbidden)
      effects  deletes it

**queries**

    _get (${item}: Item, user?: User): (${item}: Item, user: User, title: String, createdAt: Date)
      the ${item}, or no rows when unknown; forbidden when user is given and is not the owner
    _list (user: User): (${item}: Item, user: User, title: String, createdAt: Date)
      the user's ${item}s, oldest first
`;
}

/** The opening of a concept's test: a fresh database per test, a fake clock, the concept under test. */
export function conceptTestPrelude(name: string, fromClock: string[]): string {
  return `import { beforeEach, describe, expect, it } from "vitest";
import { ${name}Concept } from "../../src/concepts/${name}/${name}Concept.ts";
import { useConceptDatabase } from "./concept-database.ts";
import { ${["FakeClock", ...fromClock].join(", ")} } from "./fake-clock.ts";

const db = useConceptDatabase();
let clock: FakeClock;
let concept: ${name}Concept;

beforeEach(() => {
  clock = new FakeClock();
  concept = new ${name}Concept(db(), { clock });
});
`;
}

function testSource(name: string, item: string): string {
  return `${conceptTestPrelude(name, ["minute", "ok"])}
describe("${name} principle", () => {
  it("lists a created ${item} for its user until they remove it", async () => {
    const { ${item} } = ok(await concept.create({ user: "ada", title: "first" }));
    clock.advance(minute);
    ok(await concept.create({ user: "ada", title: "second" }));
    expect((await concept._list({ user: "ada" })).map((row) => row.title)).toEqual(["first", "second"]);

    expect(await concept.remove({ ${item}, user: "ada" })).toEqual({});
    expect((await concept._list({ user: "ada" })).map((row) => row.title)).toEqual(["second"]);
  });
});

describe("${name}.create", () => {
  it("requires a title that is not blank", async () => {
    expect(await concept.create({ user: "ada", title: "   " })).toHaveProperty("error");
    expect(await concept._list({ user: "ada" })).toEqual([]);
  });
});

describe("${name}.remove", () => {
  it("answers not_found for an unknown ${item}, and forbidden for another user's, removing nothing", async () => {
    const { ${item} } = ok(await concept.create({ user: "ada", title: "mine" }));
    expect(await concept.remove({ ${item}: "nope" })).toMatchObject({ reason: "not_found" });
    expect(await concept.remove({ ${item}, user: "mallory" })).toMatchObject({ reason: "forbidden" });
    expect(await concept._get({ ${item} })).toHaveLength(1);
  });
});
`;
}
