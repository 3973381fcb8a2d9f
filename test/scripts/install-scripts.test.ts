/**
 * npm 11 runs a dependency's install script only when package.json's `allowScripts` approves
 * it, and ends `npm install`/`npm ci` with a warning naming each one it skipped. Every
 * installed package with an install script is decided in package.json (so the install is
 * quiet), and the only one allowed to run is esbuild's (it checks its platform binary; tsx
 * needs it); the rest (swagger-ui's telemetry) are denied.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const installHooks = ["preinstall", "install", "postinstall"];

/** Names of the packages under `dir` (a node_modules folder, nested ones included) whose package.json has an install hook. */
async function withInstallScripts(dir: string): Promise<Set<string>> {
  const found = new Set<string>();
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const folders = entry.name.startsWith("@") ? (await readdir(join(dir, entry.name))).map((name) => join(dir, entry.name, name)) : [join(dir, entry.name)];
    for (const folder of folders) {
      const manifest = JSON.parse(await readFile(join(folder, "package.json"), "utf8").catch(() => "{}")) as { name?: string; scripts?: Record<string, string> };
      if (manifest.name !== undefined && installHooks.some((hook) => manifest.scripts?.[hook] !== undefined)) found.add(manifest.name);
      for (const name of await withInstallScripts(join(folder, "node_modules"))) found.add(name);
    }
  }
  return found;
}

describe("package.json's allowScripts", () => {
  it("decides every installed install script, and allows esbuild's alone", async () => {
    const { allowScripts = {} } = JSON.parse(await readFile("package.json", "utf8")) as { allowScripts?: Record<string, boolean> };
    const decided = new Set(Object.keys(allowScripts).map((key) => key.replace(/(.)@.*$/, "$1")));
    const undecided = [...(await withInstallScripts("node_modules"))].filter((name) => !decided.has(name));
    expect(undecided, "run `npm install-scripts ls`, then approve or deny each").toEqual([]);
    expect(Object.entries(allowScripts).filter(([, allowed]) => allowed).map(([name]) => name)).toEqual(["esbuild"]);
  });
});
