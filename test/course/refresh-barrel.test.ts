/**
 * The `@concepts` barrel keeps itself up to date (`npm start`, `npm test` and `npm run typecheck`
 * call refreshBarrel first): derived again only when a concept file or the barrel changed, written
 * only when its text changes, and a cache that cannot be written only makes it slower.
 */
import { mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { refreshBarrel } from "../../src/utils/refresh-barrel.ts";

let scratch: string;
let concepts: string;
let cacheDir: string;
const barrel = () => readFile(join(concepts, "concepts.ts"), "utf8");

async function concept(name: string, extra = ""): Promise<void> {
  await mkdir(join(concepts, name), { recursive: true });
  await writeFile(join(concepts, name, `${name}Concept.ts`), `export default class ${name}Concept {}\n${extra}`);
}

beforeEach(async () => {
  scratch = await mkdtemp(join(resolve("."), ".tmp-barrel-"));
  concepts = join(scratch, "concepts");
  cacheDir = join(scratch, "cache");
  await concept("Alpha");
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("refreshBarrel", () => {
  it("writes the barrel when it is missing or a concept is added, and looks no further when nothing changed", async () => {
    const told: string[] = [];
    expect(await refreshBarrel(concepts, { cacheDir, log: (line) => told.push(line) })).toBe("written");
    expect(await barrel()).toContain(`export const Alpha = conceptRef(AlphaConcept, "Alpha");`);
    expect(told).toEqual([`updated ${join(concepts, "concepts.ts")}: the concept folders changed (as \`npm run import\` would)`]);
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("unchanged");

    await concept("Beta");
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("written");
    expect(await barrel()).toContain(`export const Beta = conceptRef(BetaConcept, "Beta");`);
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("unchanged");
  });

  it("derives again after a concept file changes, but leaves a barrel whose text is the same untouched", async () => {
    await refreshBarrel(concepts, { cacheDir });
    const before = await stat(join(concepts, "concepts.ts"));
    await concept("Alpha", "// edited\n");
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("checked");
    expect((await stat(join(concepts, "concepts.ts"))).mtimeMs).toBe(before.mtimeMs);
  });

  it("writes the barrel again when it was deleted or edited by hand", async () => {
    await refreshBarrel(concepts, { cacheDir });
    const generated = await barrel();
    await unlink(join(concepts, "concepts.ts"));
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("written");
    await writeFile(join(concepts, "concepts.ts"), "// edited by hand\n");
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("written");
    expect(await barrel()).toBe(generated);
  });

  it("keeps a concept whose module cannot load yet (a package not installed) in the barrel, with the others", async () => {
    await mkdir(join(concepts, "Gamma"), { recursive: true });
    await writeFile(join(concepts, "Gamma", "GammaConcept.ts"), `import "no-such-package-installed";\nexport default class GammaConcept {}\n`);
    await concept("Delta");
    expect(await refreshBarrel(concepts, { cacheDir })).toBe("written");
    const source = await barrel();
    for (const name of ["Alpha", "Delta", "Gamma"]) expect(source).toContain(`export const ${name} = conceptRef(${name}Concept, "${name}");`);
  });

  it("works without a writable cache (it derives every time)", async () => {
    await writeFile(join(scratch, "not-a-folder"), "");
    const unwritable = join(scratch, "not-a-folder", "cache");
    expect(await refreshBarrel(concepts, { cacheDir: unwritable })).toBe("written");
    expect(await refreshBarrel(concepts, { cacheDir: unwritable })).toBe("checked");
  });
});
