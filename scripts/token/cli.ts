/**
 * `npm run token -- <user> [--ttl 1h]`: prints a bearer token for local use, the same kind a
 * real identity provider would give: HS256, signed with `JWT_SECRET` from the environment,
 * `sub` the user, `iat` now and `exp` after the time to live (1 hour unless `--ttl` says
 * otherwise: `90s`, `30m`, `12h`, `7d`). Tokens always carry an `exp`: the server refuses one
 * without. Only the token goes to stdout, so `TOKEN=$(npm run -s token -- ada)` works.
 */
import { sign } from "hono/jwt";
import { tokenRequest, usage } from "./arguments.ts";

const request = tokenRequest(process.argv.slice(2), process.env["JWT_SECRET"]);
if ("error" in request) {
  process.stderr.write(`${request.error}\n${usage}\n`);
  process.exit(1);
}
const now = Math.floor(Date.now() / 1000);
process.stdout.write(`${await sign({ sub: request.user, iat: now, exp: now + request.ttlSeconds }, request.secret, "HS256")}\n`);
