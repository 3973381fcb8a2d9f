import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { freshID, testDb } from "@utils/database.ts";
import { Empty, ID } from "@utils/types.ts";
import { discoverConcepts } from "../../src/engine/discover.ts";
import { hasUncheckedSchemas } from "../../src/engine/unchecked.ts";
import { SyncEngine } from "../../src/engine/index.ts";
import { conceptRef } from "../../src/engine/refs.ts";
import { barrelSource } from "../../src/utils/generate-imports.ts";
import PollConcept from "./fixtures/Poll/PollConcept.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));

describe("@utils/database.ts and @utils/types.ts", () => {
  it("freshID makes UUID v7s that sort in creation order", () => {
    const ids = Array.from({ length: 2000 }, () => freshID());
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    const millis = parseInt(ids[0]!.replace(/-/g, "").slice(0, 12), 16);
    expect(Math.abs(millis - Date.now())).toBeLessThan(60_000);
  });

  it("testDb answers an emptied test database and its client", async () => {
    const [db, client] = await testDb();
    try {
      expect(db.databaseName).toMatch(/^test-focus/);
      await db.collection("Leftover.things").insertOne({ _id: ID("x") } as never);
      const [again, second] = await testDb();
      expect(again.databaseName).toBe(db.databaseName);
      expect(await again.listCollections().toArray()).toEqual([]);
      await second.close();
    } finally {
      await client.close();
    }
  });

  it("ID and Empty are values too, so `import { Empty, ID }` without `type` runs under tsx (npm start)", () => {
    expect(ID("user:ada")).toBe("user:ada");
    expect(Empty).toEqual({});
    expect(Object.isFrozen(Empty)).toBe(true);
    const script = `import { Empty, ID } from "@utils/types.ts"; import { actions, Sync, Vars, Frames } from "@engine"; import { Db } from "npm:mongodb";
      console.log(JSON.stringify([ID("a"), Empty, typeof actions, typeof Sync, typeof Vars, typeof Frames, typeof Db]));`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual(["a", {}, "function", "function", "function", "function", "function"]);
  });
});

describe("a type imported without `type`", () => {
  it("loads under tsx, as npm start runs it, as Deno drops the import (tsconfig.json has no verbatimModuleSyntax)", () => {
    const script = `import { discoverConcepts } from "./src/engine/discover.ts";
      await discoverConcepts("test/course/fixtures-type-import").then((found) => console.log(found.map((concept) => concept.conceptName).join()), (error) => console.log(error.message));`;
    const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(run.stdout.trim()).toBe("Broken");
  });

  it("loads under vitest", async () => {
    const module = (await import("./fixtures-type-import/Broken/BrokenConcept.ts")) as { default: new () => { make(shape: { sides: number }): Promise<unknown> } };
    expect(await new module.default().make({ sides: 3 })).toEqual({ sides: 3 });
  });
});

describe("concepts without schemas", () => {
  it("are discovered from a default export, named after their folder, with one unchecked operation per method", async () => {
    const [Poll] = await discoverConcepts(fileURLToPath(new URL("./fixtures", import.meta.url)));
    expect(Poll?.conceptName).toBe("Poll");
    expect(Object.fromEntries(Object.entries(Poll!.schemas).map(([name, schema]) => [name, schema.kind]))).toEqual({
      _getPoll: "query",
      _getPollsOf: "query",
      open: "action",
      vote: "action",
    });
    expect(hasUncheckedSchemas(Poll!)).toBe(true);
  });

  it("take any object and pass their result on; a query reference called directly answers rows, or throws on { error }", async () => {
    const [db, client] = await testDb();
    try {
      const engine = new SyncEngine();
      const Poll = conceptRef(PollConcept, "Poll");
      engine.register([new PollConcept(db)]);
      const { output } = await engine.invoke(Poll.open, { owner: "ada", question: "Why?", extra: [1] });
      const { poll } = output as { poll: string };
      expect(await Poll._getPoll({ poll: poll as ID })).toEqual([{ _id: poll, owner: "ada", question: "Why?", votes: 0 }]);
      // A concept without schemas answers as the template does: what came back, here the refusal of a non-object input.
      expect(await Poll._getPoll("not an object" as never)).toMatchObject({ error: expect.stringMatching(/expected record/) });
    } finally {
      await client.close();
    }
  });
});

describe("@concepts", () => {
  it("the committed barrel is what `npm run import` generates from the concept folders", async () => {
    const committed = await readFile(new URL("../../src/concepts/concepts.ts", import.meta.url), "utf8");
    expect(await barrelSource(fileURLToPath(new URL("../../src/concepts", import.meta.url)))).toBe(committed);
  });

  it("makes references for template classes (default export), named after their folder", async () => {
    const source = await barrelSource(fileURLToPath(new URL("./fixtures", import.meta.url)));
    expect(source).toContain(`import PollConcept from "./Poll/PollConcept.ts";`);
    expect(source).toContain(`export const Poll = conceptRef(PollConcept, "Poll");`);
  });
});

describe("deno.land/x/bcrypt, as course password concepts use it", () => {
  it("hashes with a fresh salt by default and checks a password against its hash", async () => {
    const bcrypt = await import("../../src/utils/deno/x-bcrypt.ts");
    const first = await bcrypt.hash("correct horse");
    const second = await bcrypt.hash("correct horse");
    expect(first).toMatch(/^\$2[aby]\$10\$/);
    expect(first).not.toBe(second);
    expect(await bcrypt.compare("correct horse", first)).toBe(true);
    expect(await bcrypt.compare("wrong horse", first)).toBe(false);
    const salt = bcrypt.genSaltSync(4);
    expect(bcrypt.hashSync("pw", salt)).toBe(bcrypt.hashSync("pw", salt));
    expect(bcrypt.compareSync("pw", bcrypt.hashSync("pw"))).toBe(true);
  });
});
