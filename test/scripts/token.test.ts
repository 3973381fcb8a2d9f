/**
 * `npm run token -- <user>`: the quick start's bearer token, as a newcomer runs it. Only the
 * token reaches stdout (so `TOKEN=$(npm run -s token -- ada)` holds just the token), it always
 * carries an `exp` (an hour, or `--ttl`), and the server takes it as the user.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { jwtSecret } from "../http/harness.ts";
import { send, useFocusApp } from "../support/app.ts";

const focus = useFocusApp();
const run = promisify(execFile);

/** The script as npm runs it, with JWT_SECRET as given (none when null). */
async function token(args: string[], secret: string | null = jwtSecret): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...(secret === null ? {} : { JWT_SECRET: secret }) };
  return run("npm", ["run", "-s", "token", "--", ...args], { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );
}

describe("npm run token", () => {
  it("prints only a token for the user, valid for an hour, which the server takes as that user", { timeout: 60_000 }, async () => {
    const { code, stdout } = await token(["ada"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = await verify(stdout.trim(), jwtSecret, "HS256");
    expect(claims.sub).toBe("ada");
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(60);

    const authorization = `Bearer ${stdout.trim()}`;
    const started = await send(focus.app, "POST", "/api/FocusTimer/start", { body: { durationMs: 60_000, phase: "reading" }, headers: { authorization } });
    expect(started.status).toBe(200);
    // The token's user owns the timer: ada's token lists it, bo's does not.
    const timersOf = async (bearer: string) => (await send(focus.app, "POST", "/api/FocusTimer/_getActiveTimers", { body: {}, headers: { authorization: bearer } })).body;
    expect(await timersOf(authorization)).toEqual([expect.objectContaining({ _id: started.body.timerId })]);
    expect(await timersOf(`Bearer ${(await token(["bo"])).stdout.trim()}`)).toEqual([]);
  });

  it("takes --ttl in seconds, minutes, hours or days", { timeout: 60_000 }, async () => {
    for (const [ttl, seconds] of [["90s", 90], ["30m", 1800], ["--ttl=12h", 43_200], ["7d", 604_800]] as const) {
      const args = ttl.startsWith("--") ? ["bo", ttl] : ["bo", "--ttl", ttl];
      const claims = await verify((await token(args)).stdout.trim(), jwtSecret, "HS256");
      expect(claims.exp! - claims.iat!, ttl).toBe(seconds);
    }
  });

  it("says what is missing, on stderr, and prints no token", { timeout: 60_000 }, async () => {
    for (const [args, secret, message] of [
      [["ada"], null, "JWT_SECRET is not set"],
      [[], jwtSecret, "name one user"],
      [["ada", "--ttl", "forever"], jwtSecret, "--ttl forever"],
      [["ada", "--ttl", "0"], jwtSecret, "--ttl 0"],
      [["ada", "--ttl", "31d"], jwtSecret, "at most 30d"],
    ] as const) {
      const answer = await token([...args], secret);
      expect(answer.code, message).toBe(1);
      expect(answer.stdout, message).toBe("");
      expect(answer.stderr, message).toContain(message);
      expect(answer.stderr, message).toContain("usage: JWT_SECRET=");
    }
  });
});
