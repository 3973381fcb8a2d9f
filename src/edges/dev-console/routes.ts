/**
 * The dev console at `/dev`, for the service key (or open development mode) only: a user
 * token gets 403, no credentials 401 (the authentication in front of it answers that).
 * - `GET /dev`: the page (sync graph, live trace, playground), its assets under `/dev/assets/`;
 * - `GET /dev/graph.json`: the sync graph as data;
 * - `GET /dev/events`: the live trace as server-sent events, while the page is open;
 * - `GET /dev/flows/:id` and `GET /dev/flows?user=[&action=Concept.action]`: finished flows from the engine's log.
 * The page holds no secret: the browser sends whatever credentials it was opened with.
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import { streamSSE, type SSEStreamingApi } from "hono/streaming";
import type { Db } from "mongodb";
import type { SyncEngine } from "../../engine/engine.ts";
import { HttpError } from "../http/errors.ts";
import { principalOf, type HttpEnv } from "../http/principal.ts";
import { assetResponse, pageResponse } from "./assets.ts";
import { FlowLookup } from "./flow-lookup.ts";
import { syncGraph, type GraphConceptSource, type SyncGraph } from "./graph.ts";
import { LiveTrace, type TraceEvent } from "./live-trace.ts";
import { timeRequests } from "./request-events.ts";
import { syncFiles } from "./sources.ts";

export type DevConsoleEngine = Pick<SyncEngine, "observeFlows" | "syncDeclarations" | "provenance" | "flushLog">;

export interface DevConsoleOptions {
  engine: DevConsoleEngine;
  concepts: readonly GraphConceptSource[];
  /** Where the engine keeps its log (`engine.flows`), for finding a user's flows. */
  db: Db;
}

/** Events a slow page may fall behind by before it loses the oldest (it is told how many). */
const backlogLimit = 500;
/** A comment line this often keeps proxies from closing an idle stream. */
const keepAliveMs = 15_000;

/** Registers the console; call it after authentication and before the routes whose requests it should time. */
export function registerDevConsole(app: Hono<HttpEnv>, { engine, concepts, db }: DevConsoleOptions): void {
  const trace = new LiveTrace(engine);
  const streams = new OpenStreams();
  const flows = new FlowLookup(engine, db);
  let graph: Promise<SyncGraph> | undefined;

  app.use("*", timeRequests(trace));
  app.use("/dev", serviceOnly);
  app.use("/dev/*", serviceOnly);
  app.get("/dev", () => pageResponse());
  app.get("/dev/assets/:name", (c) => assetResponse(c.req.param("name")));
  app.get("/dev/graph.json", async (c) => {
    // Syncs are registered before the server starts, so the graph is built once, on first use.
    graph ??= syncFiles()
      .then((files) => syncGraph({ concepts, syncs: engine.syncDeclarations(), files }))
      .catch((error: unknown) => {
        graph = undefined; // the next request tries again
        throw error;
      });
    return c.json(await graph, 200);
  });
  app.get("/dev/events", (c) => streamSSE(c, (stream) => streamTrace(stream, trace, streams)));
  app.get("/dev/flows/:id", async (c) => {
    const flow = await flows.byId(c.req.param("id"));
    if (flow === undefined) throw new HttpError(404, "no flow or action record with this id");
    return c.json(flow, 200);
  });
  app.get("/dev/flows", async (c) => {
    const user = c.req.query("user");
    if (user === undefined || user === "" || user.length > 200) throw new HttpError(400, "user is required (1 to 200 characters)");
    const action = c.req.query("action");
    if (action === undefined) return c.json(await flows.byUser(user), 200);
    const [, concept, name] = /^([A-Za-z]\w*)\.(\w+)$/.exec(action) ?? [];
    if (concept === undefined || name === undefined) throw new HttpError(400, "action must read Concept.action");
    return c.json(await flows.byUser(user, { concept, action: name }), 200);
  });
}

const serviceOnly: MiddlewareHandler<HttpEnv> = async (c: Context<HttpEnv>, next) => {
  // It shows every user's flows: only a trusted service may look.
  if (principalOf(c).kind !== "service") throw new HttpError(403, "the dev console is only for the service key");
  await next();
};

/** Writes the trace's events to one page until it goes away; its backlog is bounded, oldest dropped. */
async function streamTrace(stream: SSEStreamingApi, trace: LiveTrace, streams: OpenStreams): Promise<void> {
  const backlog: TraceEvent[] = [];
  let dropped = 0;
  let wake: (() => void) | undefined;
  const stop = trace.watch((event) => {
    backlog.push(event);
    if (backlog.length > backlogLimit) {
      backlog.shift();
      dropped++;
    }
    wake?.();
  });
  let open = true;
  const end = () => {
    open = false;
    wake?.();
  };
  stream.onAbort(end);
  const forget = streams.add(end);
  try {
    await stream.writeSSE({ event: "ready", data: "{}" });
    while (open) {
      if (dropped > 0) {
        await stream.writeSSE({ event: "dropped", data: JSON.stringify({ dropped }) });
        dropped = 0;
      }
      const event = backlog.shift();
      if (event !== undefined) {
        await stream.writeSSE({ event: event.type, data: JSON.stringify(event) });
        continue;
      }
      if (!(await nextEvent((resolve) => (wake = resolve)))) await stream.write(": keep-alive\n\n");
      wake = undefined;
    }
  } finally {
    forget();
    stop();
  }
}

const stopSignals = ["SIGTERM", "SIGINT"] as const;

/**
 * The open streams, ended when the process is asked to stop: a server shutting down waits for
 * the requests in flight, and an open page's stream would hold it for the whole drain timeout.
 * The signal listeners exist only while a stream is open (the server's own handlers stop it).
 */
class OpenStreams {
  private readonly ends = new Set<() => void>();
  private readonly endAll = () => {
    for (const end of [...this.ends]) end();
  };

  /** Registers a stream's end; answers the function that forgets it. */
  add(end: () => void): () => void {
    if (this.ends.size === 0) for (const signal of stopSignals) process.on(signal, this.endAll);
    this.ends.add(end);
    return () => {
      if (!this.ends.delete(end) || this.ends.size > 0) return;
      for (const signal of stopSignals) process.off(signal, this.endAll);
    };
  }
}

/** Waits until `arm`'s callback is called (true) or the keep-alive period passes (false). */
function nextEvent(arm: (resolve: () => void) => void): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), keepAliveMs);
    arm(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
