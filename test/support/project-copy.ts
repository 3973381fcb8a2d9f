/**
 * A scratch copy of this project (src, scripts, vitest's setup and the config files) in a
 * .tmp-* folder inside the repository, so node_modules resolves as here, for tests that run
 * the project's own commands (`npm run port`, `npm run typecheck`) on a tree they may change.
 */
import { spawn } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

export const repo = resolve(".");

export async function copyProject(label: string): Promise<{ root: string; remove: () => Promise<void> }> {
  const root = await mkdtemp(join(repo, `.tmp-${label}-`));
  // test/support: only what vitest.config.ts names, so the copy's typecheck sees no half-copied harness.
  for (const path of ["src", "scripts", "test/support/global-setup.ts", "test/support/refresh-barrel.ts", "package.json", "tsconfig.json", "vitest.config.ts"]) {
    await cp(join(repo, path), join(root, path), { recursive: true });
  }
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/** Runs a TypeScript script with tsx in `cwd`; answers its exit code and output instead of throwing. */
export function runTsx(script: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0" };
    for (const name of ["MONGODB_URL", "API_KEY", "JWT_SECRET"]) delete env[name];
    const child = spawn(process.execPath, [join(repo, "node_modules/tsx/dist/cli.mjs"), script, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}
