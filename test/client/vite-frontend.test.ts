/**
 * The typed client in a plain frontend, as README tells a frontend developer to use it: a
 * scratch Vite + TypeScript app (the files `npm create vite` writes for vanilla-ts, in a
 * temporary folder, using this project's node_modules) with `client/` copied into `src/` and
 * README's snippet as `src/main.ts`. It type-checks with Vite's default tsconfig, also without
 * `allowImportingTsExtensions` (which many frontends lack), and `vite build` bundles it.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
let app: string;

/** The tsconfig.json create-vite 9 writes for a vanilla TypeScript app. */
const viteDefaultCompilerOptions = {
  target: "es2023",
  module: "esnext",
  lib: ["ES2023", "DOM"],
  types: ["vite/client"],
  allowArbitraryExtensions: true,
  skipLibCheck: true,
  moduleResolution: "bundler",
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: "force",
  noEmit: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
};

/** README's typed-client snippet, as a reader copies it. */
async function readmeSnippet(): Promise<string> {
  const readme = await readFile("README.md", "utf8");
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("## A typed client")))![1]!;
}

async function tsc(compilerOptions: Record<string, unknown>): Promise<string> {
  await writeFile(join(app, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  const checked = await run(process.execPath, [resolve("node_modules/typescript/bin/tsc"), "--noEmit", "-p", app]).catch((error: { stdout: string }) => error);
  return checked.stdout;
}

beforeAll(async () => {
  app = await mkdtemp(join(tmpdir(), "vite-frontend-"));
  await symlink(resolve("node_modules"), join(app, "node_modules"), "dir");
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "a-frontend", private: true, type: "module" }));
  await writeFile(join(app, "index.html"), '<!doctype html>\n<html lang="en">\n<body>\n<script type="module" src="/src/main.ts"></script>\n</body>\n</html>\n');
  await cp("client", join(app, "src", "client"), { recursive: true });
  await writeFile(join(app, "src", "main.ts"), await readmeSnippet());
});

afterAll(async () => {
  if (app !== undefined) await rm(app, { recursive: true, force: true });
});

describe("the typed client in a Vite + TypeScript frontend", () => {
  it("type-checks README's snippet with Vite's default tsconfig, with and without allowImportingTsExtensions", { timeout: 120_000 }, async () => {
    expect(await tsc(viteDefaultCompilerOptions)).toBe("");
    const { allowImportingTsExtensions: _left, ...without } = viteDefaultCompilerOptions;
    expect(await tsc(without)).toBe("");
    expect(await tsc({ ...without, strict: true })).toBe("");
  });

  it("builds with vite build", { timeout: 120_000 }, async () => {
    await run(process.execPath, [resolve("node_modules/vite/bin/vite.js"), "build", "--logLevel", "error"], { cwd: app });
    const assets = await readdir(join(app, "dist", "assets"));
    const bundle = await readFile(join(app, "dist", "assets", assets.find((file) => file.endsWith(".js"))!), "utf8");
    expect(bundle).toContain("/api/FocusTimer/start");
    expect(bundle).toContain("x-api-key");
  });
});
