/**
 * The server's configuration: the environment of CONTRACTS.md, parsed once with zod into a
 * typed value that the entry point hands to the database, the engine and the HTTP edge.
 * Nothing else reads `process.env`, so tests build a config from a plain object.
 */
import { z } from "zod";

/** A variable set to the empty string counts as unset (`API_KEY= npm start`). */
const optionalText = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

function withDefault<T extends z.ZodType>(schema: T, fallback: string) {
  return z.preprocess((value) => (value === undefined || value === "" ? fallback : value), schema);
}

const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]);
const engineLogLevel = z.enum(["off", "trace", "verbose"]);

const environment = z.object({
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), "8000"),
  HOST: withDefault(z.string().min(1), "127.0.0.1"),
  MONGODB_URL: optionalText,
  MONGODB_DB: withDefault(z.string().regex(/^[^/\\. "$]{1,63}$/, "must be a MongoDB database name"), "focus"),
  DATA_DIR: withDefault(z.string().min(1), "./data"),
  API_KEY: optionalText,
  JWT_SECRET: optionalText,
  /** Comma-separated origins allowed by CORS; `*` allows any. */
  CORS_ORIGINS: withDefault(z.string(), "*"),
  /** Largest accepted request body, in bytes. */
  BODY_LIMIT: withDefault(z.coerce.number().int().positive(), String(1024 * 1024)),
  LOG_LEVEL: withDefault(logLevel, "info"),
  /** How much the sync engine logs: each action (trace) or each action with its values (verbose). */
  ENGINE_LOG: withDefault(engineLogLevel, "off"),
  /**
   * Seconds an unfinished flow belongs to the engine running it; after that (its engine died or
   * gave up while the database was away) the recovery pass, run as often, finishes it.
   */
  ENGINE_LEASE_SECONDS: withDefault(z.coerce.number().int().min(1).max(3600), "30"),
  /** Where seed 002's REST dialect is served; its route literals say `{FLOW_BASE_PATH}`. */
  FLOW_BASE_PATH: withDefault(
    z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, "must be a path such as /api/flow/v1/sessions"),
    "/api/flow/v1/sessions",
  ),
  /** Where template-style requests (`Requesting.request({ path, ...fields })`) are served: `path` is relative to it. */
  REQUESTING_BASE_URL: withDefault(z.string().regex(/^(\/[A-Za-z0-9._~-]+)+$/, "must be a path such as /api"), "/api"),
  /** Milliseconds a template-style request waits for a sync to respond before answering 504. */
  REQUESTING_TIMEOUT: withDefault(z.coerce.number().int().min(1).max(600_000), "10000"),
  /** Template-style requests that may wait for a response at once; beyond it, 503 with Retry-After (nothing is run). */
  REQUESTING_MAX_WAITING: withDefault(z.coerce.number().int().min(1).max(100_000), "256"),
  /** `200` answers a concept's `{ error }` with status 200, as the 6.1040 template does; the default keeps the contract's 4xx. */
  ERROR_STATUS: withDefault(z.enum(["4xx", "200"]), "4xx"),
  /** `1` adds `POST /__bench/bare`, a route that does nothing: the ceiling `bench/http.bench.ts` compares with. */
  BENCH_BARE_ROUTE: withDefault(z.enum(["0", "1"]), "0"),
});

export type LogLevel = z.infer<typeof logLevel>;
export type EngineLogLevel = z.infer<typeof engineLogLevel>;

export interface Config {
  port: number;
  host: string;
  /** A real MongoDB deployment; unset means the embedded server on `dataDir`. */
  mongodbUrl: string | undefined;
  dbName: string;
  dataDir: string;
  apiKey: string | undefined;
  jwtSecret: string | undefined;
  /** True when neither an API key nor a JWT secret is set: no credentials are checked. */
  open: boolean;
  /** `["*"]` allows any origin. */
  corsOrigins: string[];
  bodyLimitBytes: number;
  logLevel: LogLevel;
  engineLog: EngineLogLevel;
  engineLeaseSeconds: number;
  /** Values for the `{NAME}` placeholders REST route literals may use. */
  routePlaceholders: Record<string, string>;
  /** Serve the benchmark's do-nothing route (BENCH_BARE_ROUTE=1). */
  benchBareRoute: boolean;
  /** The base path of template-style requests (REQUESTING_BASE_URL). */
  requestingBaseUrl: string;
  /** How long a template-style request waits for its response (REQUESTING_TIMEOUT). */
  requestingTimeoutMs: number;
  /** How many template-style requests may wait for their response at once (REQUESTING_MAX_WAITING). */
  requestingMaxWaiting: number;
  /** The status of a concept's `{ error }` on its route: by reason (4xx, the default) or always 200 (ERROR_STATUS=200). */
  errorStatus: "4xx" | "200";
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

/** Parses the environment; throws a `ConfigError` naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid environment: ${problems.join("; ")}`);
  }
  const vars = parsed.data;
  const open = vars.API_KEY === undefined && vars.JWT_SECRET === undefined;
  if (open && !isLoopback(vars.HOST)) {
    throw new ConfigError(
      `refusing to listen on ${vars.HOST} without credentials: set API_KEY or JWT_SECRET, ` +
        `or bind to a loopback address such as 127.0.0.1`,
    );
  }
  return {
    port: vars.PORT,
    host: vars.HOST,
    mongodbUrl: vars.MONGODB_URL,
    dbName: vars.MONGODB_DB,
    dataDir: vars.DATA_DIR,
    apiKey: vars.API_KEY,
    jwtSecret: vars.JWT_SECRET,
    open,
    corsOrigins: vars.CORS_ORIGINS.split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
    bodyLimitBytes: vars.BODY_LIMIT,
    logLevel: vars.LOG_LEVEL,
    engineLog: vars.ENGINE_LOG,
    engineLeaseSeconds: vars.ENGINE_LEASE_SECONDS,
    routePlaceholders: { FLOW_BASE_PATH: vars.FLOW_BASE_PATH },
    benchBareRoute: vars.BENCH_BARE_ROUTE === "1",
    requestingBaseUrl: vars.REQUESTING_BASE_URL,
    requestingTimeoutMs: vars.REQUESTING_TIMEOUT,
    requestingMaxWaiting: vars.REQUESTING_MAX_WAITING,
    errorStatus: vars.ERROR_STATUS,
  };
}

/** Whether a bind address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "").toLowerCase();
  return bare === "localhost" || bare === "::1" || /^127(\.\d{1,3}){3}$/.test(bare) || bare === "::ffff:127.0.0.1";
}
