/**
 * `npm run db`: the embedded database alone, in the foreground, so several processes (API
 * servers, mongosh, Compass) can share one DATA_DIR through it. It requires a login
 * (SCRAM-SHA-256, as mongod with authorization enabled) and prints its URI, credentials
 * included, on a line of its own; SIGINT/SIGTERM stop it cleanly (the journal is flushed and synced).
 *
 * Environment: DATA_DIR (default ./data), DB_PORT (default 27017, 0 picks a free port),
 * HOST (default 127.0.0.1), DB_USER (default focus) and DB_PASSWORD (default: generated on the
 * first start into DATA_DIR/credentials.json, mode 0600, and reused), DB_LOGIN_TIMEOUT_MS (how long a
 * connection may take to log in before it is closed, default 5000).
 */
import { z } from "zod";
import { credentialsFor } from "./credentials.ts";
import { startEmbeddedMongo } from "./index.ts";

const environment = z.object({
  DATA_DIR: z.string().min(1).default("./data"),
  DB_PORT: z.coerce.number().int().min(0).max(65535).default(27017),
  HOST: z.string().min(1).default("127.0.0.1"),
  DB_USER: z.string().min(1).max(100).optional(),
  DB_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  DB_LOGIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).optional(),
});

const parsed = environment.safeParse(
  Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== "")),
);
if (!parsed.success) {
  process.stderr.write(`invalid environment: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`);
  process.exit(2);
}
const { DATA_DIR: dataDir, DB_PORT: port, HOST: host, DB_USER: user, DB_PASSWORD: password, DB_LOGIN_TIMEOUT_MS: loginTimeoutMs } = parsed.data;

const credentials = await credentialsFor(dataDir, { user, password });
const server = await startEmbeddedMongo({ dataDir, host, port, credentials, ...(loginTimeoutMs !== undefined && { loginTimeoutMs }) });

let stopping = false;
const stop = async (signal: NodeJS.Signals): Promise<void> => {
  if (stopping) return;
  stopping = true;
  process.stderr.write(`${signal}: stopping\n`);
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", (signal) => void stop(signal));
process.on("SIGTERM", (signal) => void stop(signal));
// Printed after the handlers: a script that reads the URI and stops us at once gets a clean stop.
process.stdout.write(`embedded MongoDB-compatible server on ${dataDir}\n${server.uri}\n`);
