import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { LogLevel } from "../../src/engine/logging.ts";
import { actions } from "../../src/engine/patterns.ts";
import type { Sync } from "../../src/engine/sync.ts";
import { Requests, Sessions, Stats } from "./support/concepts.ts";
import { engineWith } from "./support/engine.ts";
import { requestFlowSyncs } from "./support/syncs.ts";

async function linesAt(logLevel: LogLevel): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: "trace" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  const { engine, concepts } = engineWith(requestFlowSyncs, { logLevel, logger });
  concepts.sessions.start("s1", "ada");
  await engine.invoke(Requests.request, { path: "/sessions/end", id: "s1" });
  return lines;
}

describe("logging", () => {
  it("off writes nothing", async () => {
    expect(await linesAt("off")).toEqual([]);
  });

  it("trace writes one structured line per action, with its flow, record and sync", async () => {
    const lines = await linesAt("trace");
    expect(lines.map((line) => line.msg)).toEqual(["Requests.request", "Sessions.end", "Stats.record", "Streak.bump", "Badge.award", "Requests.respond"]);
    expect(lines[1]).toMatchObject({ sync: "EndSessionOnRequest", flow: lines[0]?.flow, component: "engine" });
    expect(lines[1]).not.toHaveProperty("input");
  });

  it("verbose adds each action's input and output", async () => {
    const lines = await linesAt("verbose");
    expect(lines[1]).toMatchObject({ msg: "Sessions.end", input: { session: "s1" }, output: { session: "s1", user: "ada" } });
  });
});

describe("a then-action given input its action refuses", () => {
  // Untyped variables compile whatever they hold; here `minutes` is bound to the session's id, a string.
  const RecordsTheWrongThing: Sync = ({ session, user }) => ({
    when: actions([Sessions.end, { session }, { user }]),
    then: actions([Stats.record, { user, minutes: session }]),
  });

  it("is logged at warn even with the engine's log off, naming the sync, the action and the field", async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const { engine, concepts } = engineWith({ RecordsTheWrongThing }, { logger });
    concepts.sessions.start("s1", "ada");
    await engine.invoke(Sessions.end, { session: "s1" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, sync: "RecordsTheWrongThing", action: "Stats.record", field: "minutes" });
    expect(lines[0]?.msg).toMatch(/^sync RecordsTheWrongThing gave Stats.record invalid input at minutes: /);
  });
});
