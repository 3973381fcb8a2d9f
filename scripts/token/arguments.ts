/** What `npm run token` was asked for, read from its arguments and `JWT_SECRET`; `{ error }` says what is missing. */

export const usage = "usage: JWT_SECRET=<the server's secret> npm run -s token -- <user> [--ttl 1h]  (ttl: 90s, 30m, 12h, 7d)";

const defaultTtlSeconds = 3600;
const units: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** The longest a local token may live: a forgotten one should not work for ever. */
const maxTtlSeconds = 30 * 86_400;

export interface TokenRequest {
  readonly user: string;
  readonly ttlSeconds: number;
  readonly secret: string;
}

export function tokenRequest(args: readonly string[], secret: string | undefined): TokenRequest | { error: string } {
  const rest = [...args];
  let ttlSeconds = defaultTtlSeconds;
  const ttlAt = rest.findIndex((arg) => arg === "--ttl" || arg.startsWith("--ttl="));
  if (ttlAt >= 0) {
    const [flag] = rest.splice(ttlAt, 1);
    const text = flag!.includes("=") ? flag!.slice("--ttl=".length) : rest.splice(ttlAt, 1)[0];
    const parsed = ttlOf(text ?? "");
    if (parsed === undefined) return { error: `--ttl ${text ?? ""}: give a time to live such as 90s, 30m, 12h or 7d, at most 30d` };
    ttlSeconds = parsed;
  }
  if (rest.length !== 1 || rest[0]!.startsWith("-")) return { error: "name one user" };
  const user = rest[0]!;
  if (user.length > 200) return { error: "a user id is 1 to 200 characters" };
  if (secret === undefined || secret === "") return { error: "JWT_SECRET is not set: give the secret the server runs with" };
  return { user, ttlSeconds, secret };
}

function ttlOf(text: string): number | undefined {
  const match = /^(\d+)([smhd])?$/.exec(text);
  if (match === null) return undefined;
  const seconds = Number(match[1]) * units[match[2] ?? "s"]!;
  return seconds > 0 && seconds <= maxTtlSeconds ? seconds : undefined;
}
