/**
 * The server entry (`npm start`): configuration, database, engine with its durable log,
 * every concept and sync found on disk, then HTTP. SIGTERM or SIGINT shut it down in order:
 * stop accepting, finish the requests in flight, flush the action log, close the database.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import { ConfigError, loadConfig, type Config } from "./edges/config.ts";
import { connectDatabase } from "./edges/database.ts";
import { createApp } from "./edges/http/app.ts";
import { createLogger } from "./edges/http/logging.ts";
import { listen } from "./edges/http/server.ts";
import { discoverConcepts, discoverSyncs, SyncEngine } from "./engine/index.ts";
import * as passthrough from "./concepts/Requesting/passthrough.ts";
import { installDenoGlobal } from "./utils/deno/global.ts";
import { refreshBarrel } from "./utils/refresh-barrel.ts";

const conceptsDir = fileURLToPath(new URL("./concepts", import.meta.url));
const syncsDir = fileURLToPath(new URL("./syncs", import.meta.url));

async function main(): Promise<void> {
  // Concepts written for the 6.1040 template (Deno) read settings with `Deno.env.get`.
  installDenoGlobal();
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  await preflightOrExit(config);

  const database = await connectDatabase({ mongodbUrl: config.mongodbUrl, dbName: config.dbName, dataDir: config.dataDir });
  // The embedded database lives in this process, and its data directory's lock is ours: no other
  // engine can reach it, so every flow left pending is a dead process's, finished before we listen.
  const soleEngine = database.embedded !== undefined;
  const engine = new SyncEngine({ db: database.db, durable: true, logLevel: config.engineLog, leaseSeconds: config.engineLeaseSeconds, soleEngine, logger });
  const concepts = await discoverConcepts(conceptsDir);
  for (const concept of concepts) engine.registerConcept(concept, new concept(database.db));
  // Syncs import `@concepts`: a concept folder added since the last `npm run import` is in it.
  await refreshBarrel(conceptsDir, { log: (line) => logger.info(line) });
  const syncs = await discoverSyncs(syncsDir);
  engine.registerSyncs(syncs);
  await engine.start();

  const app = createApp({ engine, concepts, config, db: database.db, logger, passthrough });
  const server = await listen(app, { host: config.host, port: config.port });
  // Ready for signals before anyone learns the URL: a script that reads the line below and
  // stops us at once must get the orderly shutdown, not the default of dying on the spot.
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
  // One Ctrl-C reaches us more than once: the terminal signals the whole process group, and
  // npm (and tsx, when it runs us) relays the same signal again a few ms later. Copies within
  // `repeatWindowMs` of the first are that one request; a signal after it means "exit now".
  let firstSignalAt: number | undefined;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.on(signal, () => {
      const now = Date.now();
      if (firstSignalAt !== undefined) {
        if (now - firstSignalAt < repeatWindowMs) {
          logger.debug({ signal }, "repeated signal ignored: already finishing requests in flight");
          return;
        }
        logger.warn({ signal }, "second signal: exiting at once");
        process.exit(1);
      }
      firstSignalAt = now;
      void shutdown.run(signal);
    });
  }

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
  process.stdout.write(`read and try every route at ${new URL("/docs", server.url).href}\n`);
  process.stdout.write(`see the sync graph and flows as they run at ${new URL("/dev", server.url).href}\n`);
}

/** Signals this soon after the first are copies of it (relayed by npm, tsx or the terminal). */
const repeatWindowMs = 1_000;

/**
 * What a person can fix, found before the database is opened, and said in one line: the port
 * taken by another process, or a data directory that cannot be written.
 */
async function preflightOrExit(config: Config): Promise<void> {
  const problem = (await portProblem(config.host, config.port)) ?? (config.mongodbUrl === undefined ? await dataDirProblem(config.dataDir) : undefined);
  if (problem === undefined) return;
  process.stderr.write(`focus-backend: ${problem}\n`);
  process.exit(2);
}

async function portProblem(host: string, port: number): Promise<string | undefined> {
  if (port === 0) return undefined;
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") resolve(`port ${port} on ${host} is already in use: stop the other server or set PORT to a free port (PORT=0 picks one)`);
      else if (error.code === "EACCES") resolve(`no permission to listen on port ${port}: set PORT to 1024 or above`);
      else if (error.code === "EADDRNOTAVAIL") resolve(`cannot listen on ${host}: set HOST to an address of this machine (e.g. 127.0.0.1)`);
      else resolve(`cannot listen on ${host}:${port} (${error.code ?? error.message}): set HOST and PORT`);
    });
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve(undefined)));
  });
}

async function dataDirProblem(dataDir: string): Promise<string | undefined> {
  try {
    await mkdir(dataDir, { recursive: true });
    // Writing is the test that counts (root passes every permission check, not a read-only mount).
    const probe = join(dataDir, `.write-probe-${process.pid}`);
    await writeFile(probe, "");
    await rm(probe, { force: true });
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    return `data directory ${dataDir} is not writable (${code}): set DATA_DIR to a directory you can write, or fix its permissions`;
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
