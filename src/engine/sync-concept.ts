/**
 * The 6.1040 template's `SyncConcept` over this project's engine: `instrument` concept
 * instances (by name), `register` syncs, then call the instrumented actions directly; each
 * call runs as a flow, with every sync it triggers, before it resolves. `logging` picks what
 * is printed (OFF, TRACE: one line per action, VERBOSE: with inputs and outputs).
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { isErrorOutput } from "./concept.ts";
import { SyncEngine, type EngineOptions } from "./engine.ts";
import { conceptRef } from "./refs.ts";
import type { ActionRef, CallableQueryRef, OperationRef } from "./refs.ts";
import type { Sync } from "./sync.ts";
import { asConceptClass } from "./unchecked.ts";

type Fields = Record<string, unknown>;

/**
 * An instrumented concept: its fields as they are, each method a reference syncs can name
 * (unchecked: any fields) that can also be called (an action runs as a flow).
 */
export type Instrumented<T> = T & {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: K extends `_${string}`
    ? CallableQueryRef<Fields, Fields>
    : ActionRef<Fields, Fields> & ((input?: Fields) => Promise<unknown>);
};

/** The template's logging levels. */
export const Logging = { OFF: 0, TRACE: 1, VERBOSE: 2 } as const;
export type Logging = (typeof Logging)[keyof typeof Logging];

/** A verbose line as a trace line: one action, without its input and output. */
function withoutValues(line: string): string {
  const entry = JSON.parse(line) as Record<string, unknown>;
  if (entry.level === 20) entry.level = 30;
  delete entry.input;
  delete entry.output;
  return `${JSON.stringify(entry)}\n`;
}

export class SyncConcept {
  /** What is printed; may change at any time (the template sets it after making the concept). */
  logging: Logging = Logging.TRACE;
  readonly engine: SyncEngine;

  constructor(options: Omit<EngineOptions, "logger" | "logLevel"> = {}) {
    // The engine logs every action with its values (verbose); this stream prints what `logging`
    // asks for, so it can change at any time: all of it, the lines without values, or nothing.
    const sink = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        const line = chunk.toString();
        if (this.logging === Logging.VERBOSE) process.stdout.write(line);
        else if (this.logging === Logging.TRACE) process.stdout.write(withoutValues(line));
        done();
      },
    });
    this.engine = new SyncEngine({ ...options, logLevel: "verbose", logger: pino({ level: "debug" }, sink) });
  }

  /** Registers the instance under `name` (default: its class name without "Concept") and answers it instrumented. */
  instrumentConcept<T extends object>(concept: T, name?: string): Instrumented<T> {
    const conceptClass = asConceptClass(concept.constructor as abstract new (...args: never[]) => object, name);
    this.engine.registerConcept(conceptClass, concept);
    const refs = conceptRef(conceptClass) as Record<string, OperationRef>;
    const engine = this.engine;
    const calls = new Map<string, unknown>();
    for (const [operation, ref] of Object.entries(refs)) {
      const call =
        ref.kind === "action"
          ? async (input: object = {}) => (await engine.invoke(ref, input)).output
          : async (input: object = {}) => {
              const rows = await engine.query(ref, input);
              if (isErrorOutput(rows)) throw new Error(`${ref.concept}.${operation}: ${rows.error}`);
              return rows;
            };
      Object.defineProperty(call, "name", { value: operation });
      calls.set(operation, Object.freeze(Object.assign(call, { concept: ref.concept, kind: ref.kind })));
    }
    return new Proxy(concept, {
      get: (target, property, receiver) => (typeof property === "string" && calls.has(property) ? calls.get(property) : Reflect.get(target, property, receiver)),
    }) as Instrumented<T>;
  }

  /** `instrumentConcept` for each entry, named by its key. */
  instrument<T extends Record<string, object>>(concepts: T): { [K in keyof T]: Instrumented<T[K]> } {
    return Object.fromEntries(Object.entries(concepts).map(([name, concept]) => [name, this.instrumentConcept(concept, name)])) as { [K in keyof T]: Instrumented<T[K]> };
  }

  register(syncs: Readonly<Record<string, Sync>>): void {
    this.engine.registerSyncs(syncs);
  }
}
