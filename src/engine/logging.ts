/** Structured engine logging through pino: off, trace (one line per action), verbose (with data). */
import { pino } from "pino";
import type { Logger } from "pino";

export type LogLevel = "off" | "trace" | "verbose";

/** The logger the engine writes to, or undefined when logging is off. */
export function engineLogger(level: LogLevel, logger: Logger | undefined): Logger | undefined {
  if (level === "off") return undefined;
  const base = logger ?? pino({ name: "engine" });
  return base.child({ component: "engine" }, { level: level === "verbose" ? "debug" : "info" });
}

/**
 * Where the engine reports a sync's own bug whatever the log level: a then-action given
 * input its action refuses would otherwise fail silently on every firing.
 */
export function engineWarnings(logger: Logger | undefined): Logger {
  return (logger ?? pino({ name: "engine" })).child({ component: "engine" });
}
