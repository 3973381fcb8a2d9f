import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "../support/database.ts";
import { asService, asUser, notebookApp, post } from "./harness.ts";

const database = useTestDatabase();

/** A pino logger whose JSON lines land in an array. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

describe("request logs", () => {
  it("write one structured line per request: method, path, status, duration and who asked", async () => {
    const { logger, lines } = capturingLogger();
    const { app } = notebookApp(database.db, {}, { logger });
    await post(app, "/api/Notebook/_stamps", {}, await asUser("ada"));
    await post(app, "/api/Notebook/_stamps", { user: "ada" }, asService);
    await app.request("/health");
    expect(lines.filter((line) => line.msg === "request")).toEqual([
      expect.objectContaining({ level: 30, method: "POST", path: "/api/Notebook/_stamps", status: 200, ms: expect.any(Number), principal: "user:ada" }),
      expect.objectContaining({ method: "POST", path: "/api/Notebook/_stamps", status: 200, principal: "service" }),
      expect.objectContaining({ method: "GET", path: "/health", status: 200 }),
    ]);
  });

  it("log an unexpected exception with its stack at error level, while the client sees only a generic 500", async () => {
    const { logger, lines } = capturingLogger();
    const { app } = notebookApp(database.db, {}, { logger });
    await post(app, "/api/Notebook/reserve", { title: "explode" });
    const logged = lines.find((line) => line.msg === "unexpected error");
    expect(logged).toMatchObject({ level: 50, method: "POST", path: "/api/Notebook/reserve" });
    expect(JSON.stringify(logged)).toContain("the notebook caught fire");
    expect(lines.find((line) => line.msg === "request failed")).toMatchObject({ status: 500 });
  });

  it("log a REST request no sync answered as a sync bug", async () => {
    const { logger, lines } = capturingLogger();
    const { app } = notebookApp(database.db, {}, { logger });
    await app.request("/forgotten", { method: "PUT", headers: asService });
    expect(lines.find((line) => line.msg === "sync bug: no sync responded to this request")).toMatchObject({ level: 50, route: "PUT /forgotten" });
  });
});
