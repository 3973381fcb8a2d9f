/**
 * Who is calling: a trusted service (the API key, or anyone in open development mode),
 * which names users itself, or a user proven by a bearer token.
 */
import type { Context } from "hono";

export type Principal = { kind: "service" } | { kind: "user"; user: string };

/** The variables the HTTP edge keeps on each request's context. */
export interface HttpEnv {
  Variables: {
    principal: Principal;
    /** The engine's idempotency key, on a mutating request sent with an `Idempotency-Key` (see idempotency/). */
    engineKey?: string;
    /** Set once the route hands the request to the engine: from then on its answer is its outcome (see idempotency/retries.ts). */
    ran?: true;
  };
}

export function principalOf(c: Context<HttpEnv>): Principal {
  return c.get("principal");
}
