/** An app over the Poll fixture and its template-style syncs, with its warnings collected. */
import { Writable } from "node:stream";
import type { Db } from "mongodb";
import { pino, type Logger } from "pino";
import { RequestingConcept } from "../../src/concepts/Requesting/RequestingConcept.ts";
import { createApp, type AppConfig } from "../../src/edges/http/app.ts";
import type { Passthrough } from "../../src/edges/http/passthrough.ts";
import { SyncEngine, type Sync } from "../../src/engine/index.ts";
import { asConceptClass } from "../../src/engine/unchecked.ts";
import { securedConfig } from "../http/harness.ts";
import PollConcept from "./fixtures/Poll/PollConcept.ts";
import * as pollSyncs from "./fixtures/poll.syncs.ts";

export const PollClass = asConceptClass(PollConcept, "Poll");

export const templateSyncs: Record<string, Sync> = Object.fromEntries(Object.entries(pollSyncs).filter(([name]) => name !== "Poll")) as Record<string, Sync>;

export interface TemplateAppOptions {
  config?: Partial<AppConfig>;
  passthrough?: Passthrough;
  syncs?: Record<string, Sync>;
}

/** The fixture's own rules: its sync serves Poll/open, its queries are public. */
export const pollPassthrough: Passthrough = { inclusions: { "/api/Poll/_getPoll": "public" }, exclusions: ["/api/Poll/open"] };

/** A logger that keeps the messages of its warnings, as the server prints them at start. */
export function warningCollector(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger = pino(
    { level: "warn" },
    new Writable({
      write(line: Buffer, _encoding, done) {
        const entry = JSON.parse(line.toString()) as { level: number; msg: string };
        if (entry.level === 40) warnings.push(entry.msg);
        done();
      },
    }),
  );
  return { logger, warnings };
}

export function templateApp(db: Db, { config = {}, passthrough = pollPassthrough, syncs = templateSyncs }: TemplateAppOptions = {}) {
  const { logger, warnings } = warningCollector();
  const engine = new SyncEngine();
  engine.registerConcept(PollClass, new PollConcept(db));
  engine.register([new RequestingConcept(db)]);
  engine.registerSyncs(syncs);
  const make = () =>
    createApp({ engine, concepts: [PollClass, RequestingConcept], config: { ...securedConfig, requestingTimeoutMs: 200, ...config }, db, logger, passthrough });
  return { engine, warnings, make };
}
