/** A little data to attack: alice and bob, each with a completed session (so stats exist) and a running one. */
import type { Hono } from "hono";
import type { HttpEnv } from "../../src/edges/http/principal.ts";
import { apiKey, send } from "./harness.ts";

export interface SeededIds {
  aliceCompleted: string;
  aliceRunning: string;
  bobCompleted: string;
  bobRunning: string;
}

async function call(app: Hono<HttpEnv>, path: string, body: object): Promise<Record<string, unknown>> {
  const { status, text } = await send(app, { method: "POST", path: `/api/${path}`, headers: { "x-api-key": apiKey }, body: JSON.stringify(body) });
  if (status !== 200) throw new Error(`seeding ${path} answered ${status}: ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function completedSession(app: Hono<HttpEnv>, user: string): Promise<string> {
  const { session } = (await call(app, "FocusSession/start", { user })) as { session: string };
  await call(app, "FocusSession/end", { session, status: "completed", elapsedMs: 25 * 60_000 });
  return session;
}

export async function seedUsers(app: Hono<HttpEnv>): Promise<SeededIds> {
  const aliceCompleted = await completedSession(app, "alice");
  const bobCompleted = await completedSession(app, "bob");
  const { session: aliceRunning } = (await call(app, "FocusSession/start", { user: "alice", subject: "Calculus" })) as { session: string };
  const { session: bobRunning } = (await call(app, "FocusSession/start", { user: "bob", subject: "History" })) as { session: string };
  return { aliceCompleted, aliceRunning, bobCompleted, bobRunning };
}
