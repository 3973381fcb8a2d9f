/**
 * `GET /api/_flows/:id`: why things happened. For a flow id, its actions as a tree of causes;
 * for an action record id, the sync and records that caused it. Every action's answer names
 * its flow in the `x-flow-id` header, so a client can ask. It shows every user's data, so
 * only a trusted service may read it.
 */
import type { Hono } from "hono";
import type { HttpEngine } from "./engine-port.ts";
import { HttpError } from "./errors.ts";
import { principalOf, type HttpEnv } from "./principal.ts";

export const flowHeader = "x-flow-id";

export function registerProvenance(app: Hono<HttpEnv>, { engine }: { engine: HttpEngine }): void {
  app.get("/api/_flows/:id", async (c) => {
    if (principalOf(c).kind !== "service") throw new HttpError(403, "provenance is only for the service key");
    const provenance = await engine.provenance(c.req.param("id"));
    if (provenance === undefined) throw new HttpError(404, "no flow or action record with this id");
    return c.json(provenance, 200);
  });
}
