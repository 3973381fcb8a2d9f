/**
 * docs/api/ is generated (`npm run spec`) and committed: it must be what the generator
 * writes today, and the FocusStats and FocusTimer pages must carry every endpoint, section,
 * field and shape of the seed pages they answer (000 and 003, copied under seeds/ here).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { apiPages, pagesDir } from "../../scripts/spec/pages.ts";

let pages: Map<string, string>;
beforeAll(async () => {
  pages = await apiPages();
});

describe("docs/api/", () => {
  it("holds exactly the pages npm run spec generates, none stale", async () => {
    const committed = (await readdir(pagesDir)).filter((file) => file.endsWith(".md")).sort();
    expect(committed, "run `npm run spec` and commit docs/api/").toEqual([...pages.keys()].sort());
    for (const [file, page] of pages) {
      expect(await readFile(join(pagesDir, file), "utf8"), `docs/api/${file} is stale: run \`npm run spec\``).toBe(page);
    }
  });

  it("has a page for every concept served over HTTP and for every REST dialect", () => {
    for (const file of ["FocusTimer.md", "FocusSession.md", "FocusStats.md", "Streak.md", "Badge.md", "study-sessions-v1.md", "focus-flow-v1.md", "focus-sessions-quests.md"]) {
      expect(pages.has(file), file).toBe(true);
    }
    expect([...pages.keys()].some((file) => file.startsWith("Requesting"))).toBe(false);
  });
});

describe.each([
  ["FocusStats.md", "000_026525d96f37658e.txt"],
  ["FocusTimer.md", "003_af9a860072e6194b.txt"],
])("the generated %s against seed %s", (page, seed) => {
  it("carries the seed's title, purpose heading, every endpoint, its sections, and every field of every body", async () => {
    const expected = endpoints(await readFile(join("test/docs/seeds", seed), "utf8"));
    const generated = pages.get(page)!;
    const actual = endpoints(generated);
    expect(generated).toMatch(/^# API Specification: \w+ Concept\n\n\*\*Purpose:\*\* \S/);
    expect(expected.size).toBeGreaterThanOrEqual(3);
    for (const [heading, sections] of expected) {
      const ours = actual.get(heading);
      expect(ours, `${page} lacks ${heading}`).toBeDefined();
      for (const [section, body] of sections) {
        if (section === "Requirements" && !ours!.has(section)) continue; // a query whose spec states none
        expect(ours!.has(section), `${heading}: ${section}`).toBe(true);
        if (body !== undefined) expect(missingPaths(body, ours!.get(section)), `${heading}: ${section}`).toEqual([]);
      }
    }
  });
});

/** `### POST /api/...` headings -> section title -> its JSON body (if it has one). */
function endpoints(markdown: string): Map<string, Map<string, unknown>> {
  const found = new Map<string, Map<string, unknown>>();
  for (const block of markdown.split(/^### /m).slice(1)) {
    const heading = block.split("\n")[0]!.trim();
    const sections = new Map<string, unknown>();
    for (const part of block.split(/^\*\*/m).slice(1)) {
      const end = part.indexOf(":**");
      if (end === -1) continue; // the *** between endpoints
      const title = part.slice(0, end);
      const json = /```json\n([\s\S]*?)\n```/.exec(part)?.[1];
      sections.set(title, json === undefined ? undefined : JSON.parse(json));
    }
    found.set(heading, sections);
  }
  return found;
}

/** The key paths of `seed` (objects and arrays alike) that `ours` does not have. */
function missingPaths(seed: unknown, ours: unknown, path = "$"): string[] {
  if (Array.isArray(seed)) {
    if (!Array.isArray(ours)) return [path];
    return seed.length === 0 ? [] : missingPaths(seed[0], ours[0], `${path}[]`);
  }
  if (typeof seed === "object" && seed !== null) {
    if (typeof ours !== "object" || ours === null || Array.isArray(ours)) return [path];
    return Object.entries(seed).flatMap(([key, value]) => (key in ours ? missingPaths(value, (ours as Record<string, unknown>)[key], `${path}.${key}`) : [`${path}.${key}`]));
  }
  return [];
}
