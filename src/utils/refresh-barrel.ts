/**
 * Keeps the `@concepts` barrel (`src/concepts/concepts.ts`) up to date without anyone running
 * `npm run import`: `npm start`, `npm test` (vitest globalSetup) and `npm run typecheck` call
 * `refreshBarrel` first. Deriving the barrel imports every concept module, so it runs only when
 * the concept files or the barrel changed since the last refresh: their fingerprint is kept in
 * node_modules/.cache (never committed; a fresh checkout, as on CI, derives once). The barrel is
 * written only when its text changes, by rename, so runs started side by side never read half a file.
 */
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { barrelSource } from "./generate-imports.ts";
import { installDenoGlobal } from "./deno/global.ts";

export interface RefreshOptions {
  /** Where the fingerprint is kept (default: node_modules/.cache/focus-backend under the working directory). */
  cacheDir?: string;
  /** Told when the barrel is rewritten. */
  log?: (line: string) => void;
}

export type RefreshOutcome = "unchanged" | "checked" | "written";

async function fingerprint(dir: string, barrel: string): Promise<string> {
  const hash = createHash("sha256");
  const folders = (await readdir(dir, { withFileTypes: true })).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  for (const name of folders.sort()) {
    const text = await readFile(join(dir, name, `${name}Concept.ts`), "utf8").catch(() => undefined);
    if (text !== undefined) hash.update(`${name}\0${text}\0`);
  }
  hash.update(barrel);
  return hash.digest("hex");
}

/**
 * `refreshBarrel` for `npm test` and `npm run typecheck`: a concept module that cannot load (a
 * package not installed yet) is told, not fatal, so the rest still runs and names the problem itself.
 */
export async function refreshBarrelOrWarn(dir: string, tell: (line: string) => void): Promise<void> {
  try {
    await refreshBarrel(dir, { log: tell });
  } catch (error) {
    tell(`could not bring the @concepts barrel (${join(dir, "concepts.ts")}) up to date: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Brings `<dir>/concepts.ts` up to date; answers whether it had to look, and whether it wrote. */
export async function refreshBarrel(dir: string, options: RefreshOptions = {}): Promise<RefreshOutcome> {
  const root = resolve(dir);
  const target = join(root, "concepts.ts");
  const cacheFile = join(options.cacheDir ?? resolve("node_modules/.cache/focus-backend"), `barrel-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.txt`);
  const current = await readFile(target, "utf8").catch(() => "");
  const before = await fingerprint(root, current);
  if ((await readFile(cacheFile, "utf8").catch(() => "")) === before) return "unchanged";

  // Concept modules written for the template may read `Deno.env` as they load.
  installDenoGlobal();
  const source = await barrelSource(root);
  let outcome: RefreshOutcome = "checked";
  if (source !== current) {
    const temporary = `${target}.${process.pid}.tmp`;
    await writeFile(temporary, source);
    await rename(temporary, target);
    options.log?.(`updated ${target}: the concept folders changed (as \`npm run import\` would)`);
    outcome = "written";
  }
  // Without a writable cache the next run derives again: slower, never wrong.
  const remembered = await fingerprint(root, source);
  await mkdir(dirname(cacheFile), { recursive: true })
    .then(() => writeFile(cacheFile, remembered))
    .catch(() => undefined);
  return outcome;
}
