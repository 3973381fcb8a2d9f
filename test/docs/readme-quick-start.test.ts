/**
 * README's quick start, run as written with bash and curl against a server started as it says
 * (`API_KEY=dev-key JWT_SECRET=dev-secret`): its token comes from `npm run -s token`, and each
 * answer prints on a line of its own. Lines naming a record by placeholder (`<id>`) need an id
 * a person copies from an earlier answer, and are left out; every other line runs unchanged
 * but for the server's address (a free port here).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/edges/http/server.ts";
import { useFocusApp } from "../support/app.ts";

const focus = useFocusApp({ config: { apiKey: "dev-key", jwtSecret: "dev-secret" } });
let server: RunningServer;

beforeAll(async () => {
  server = await listen(focus.app, { host: "127.0.0.1", port: 0 });
});
afterAll(async () => {
  await server?.close();
});

/** The shell block under "Quick start", as README shows it. */
async function quickStart(): Promise<string[]> {
  const readme = await readFile("README.md", "utf8");
  const section = readme.slice(readme.indexOf("### Quick start"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block.split("\n");
}

describe("README's quick start", () => {
  it("runs as written: the token works and every answer ends its own line", { timeout: 120_000 }, async () => {
    const lines = await quickStart();
    expect(lines).toContain("API=http://127.0.0.1:8000");
    const runnable = lines.filter((line) => !/<\w+>/.test(line)).map((line) => (line === "API=http://127.0.0.1:8000" ? `API=${server.url}` : line));
    const calls = runnable.filter((line) => line.startsWith("curl "));
    expect(calls.length).toBeGreaterThanOrEqual(8);

    const { stdout } = await promisify(execFile)("bash", ["-c", runnable.join("\n")], { env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "" } });
    const answers = stdout.split("\n");
    expect(answers.pop(), "the last answer ends its line").toBe("");
    expect(answers).toHaveLength(calls.length);
    for (const [index, answer] of answers.entries()) {
      const body = JSON.parse(answer) as unknown;
      // ada's token and the service key are both taken (no 401, whatever else each answers).
      expect(JSON.stringify(body), calls[index]).not.toMatch(/credentials|bearer token|x-api-key/i);
    }
    // Ada's calls acted as ada: the seed 001 list her token asked for, the timer her token started.
    expect(answers.some((answer) => /"timerId"/.test(answer))).toBe(true);
  });
});
