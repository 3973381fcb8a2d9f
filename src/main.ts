/**
 * The server entry (`npm start`): configuration, database, engine with its durable log,
 * every concept and sync found on disk, then HTTP. SIGTERM or SIGINT shut it down in order:
 * stop accepting, finish the requests in flight, flush the action log, close the database.
 */
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { ConfigError, loadConfig, type Config } from "./edges/config.ts";
import { connectDatabase } from "./edges/database.ts";
import { createApp } from "./edges/http/app.ts";
import { createLogger } from "./edges/http/logging.ts";
import { listen } from "./edges/http/server.ts";
import { discoverConcepts, discoverSyncs, SyncEngine } from "./engine/index.ts";

const conceptsDir = fileURLToPath(new URL("./concepts", import.meta.url));
const syncsDir = fileURLToPath(new URL("./syncs", import.meta.url));

async function main(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);

  const database = await connectDatabase({ mongodbUrl: config.mongodbUrl, dbName: config.dbName, dataDir: config.dataDir });
  const engine = new SyncEngine({ db: database.db, durable: true, logLevel: config.engineLog, leaseSeconds: config.engineLeaseSeconds, logger });
  const concepts = await discoverConcepts(conceptsDir);
  for (const concept of concepts) engine.registerConcept(concept, new concept(database.db));
  const syncs = await discoverSyncs(syncsDir);
  engine.registerSyncs(syncs);
  await engine.start();

  const app = createApp({ engine, concepts, config, db: database.db, logger });
  const server = await listen(app, { host: config.host, port: config.port });
  logger.info(
    {
      url: server.url,
      database: config.mongodbUrl === undefined ? `embedded (${config.dataDir})` : "MONGODB_URL",
      concepts: concepts.map((concept) => concept.conceptName),
      syncs: Object.keys(syncs).length,
      auth: config.open ? "open (development, loopback only)" : describeAuth(config),
    },
    "focus-backend started",
  );
  // The URL on a line of its own, for people and for scripts that started us with PORT=0.
  process.stdout.write(`focus-backend listening on ${server.url}\n`);

  const shutdown = onceOnly(async (signal: string) => {
    logger.info({ signal }, "shutting down: finishing requests in flight");
    const steps: [string, () => Promise<void>][] = [
      ["http server", () => server.close()],
      ["action log", () => engine.stop()],
      ["database", () => database.close()],
    ];
    process.exitCode = await runInOrder(steps, logger);
    logger.info("stopped");
  });
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      if (shutdown.started) {
        logger.warn({ signal }, "second signal: exiting at once");
        process.exit(1);
      }
      void shutdown.run(signal);
    });
  }
}

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`focus-backend: ${error.message}\n`);
    process.exit(2);
  }
}

function describeAuth(config: Config): string {
  return [config.apiKey === undefined ? "" : "API key", config.jwtSecret === undefined ? "" : "JWT"].filter(Boolean).join(" + ");
}

/** Runs every step even if one fails (the database must close even if the log cannot flush); 0 when all succeeded. */
async function runInOrder(steps: readonly [string, () => Promise<void>][], logger: Logger): Promise<number> {
  let exitCode = 0;
  for (const [name, step] of steps) {
    try {
      await step();
    } catch (error) {
      exitCode = 1;
      logger.error({ err: error }, `shutdown: closing the ${name} failed`);
    }
  }
  return exitCode;
}

function onceOnly<A extends unknown[]>(task: (...args: A) => Promise<void>): { readonly started: boolean; run(...args: A): Promise<void> } {
  let running: Promise<void> | undefined;
  return {
    get started() {
      return running !== undefined;
    },
    run: (...args) => (running ??= task(...args)),
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`focus-backend failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
