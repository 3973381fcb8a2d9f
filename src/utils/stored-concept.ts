/**
 * What every concept kept in MongoDB shares: collections named "<Concept>.<things>", an
 * injected clock, and indexes created lazily, once per instance, so that construction stays
 * synchronous. Every operation its schemas declare (and a batched query's `<query>Batches`)
 * awaits `ensureIndexes()` first without saying so: an author writes no call in each method.
 * Callers may await it too (at startup, say) to surface an unreachable database early.
 */
import type { Collection, Db, Document } from "mongodb";
import { systemClock, type Clock, type ConceptOptions } from "../engine/concept.ts";
import { once } from "../engine/once.ts";

type Operation = (this: object, ...args: unknown[]) => Promise<unknown>;

export abstract class StoredConcept {
  protected readonly clock: Clock;
  /** Creates the concept's indexes (and whatever else `prepare` sets up) on first call only. */
  readonly ensureIndexes: () => Promise<void>;

  constructor(
    private readonly db: Db,
    { clock = systemClock }: ConceptOptions = {},
  ) {
    this.clock = clock;
    this.ensureIndexes = once(() => this.prepare());
    this.prepareBeforeEachOperation();
  }

  /** Idempotent set-up run before the first operation: index creation, default data. */
  protected abstract prepare(): Promise<void>;

  /** The collection "<Concept>.<things>", named after the class's static `conceptName`. */
  protected collection<T extends Document>(things: string): Collection<T> {
    const { conceptName } = this.constructor as unknown as { conceptName: string };
    return this.db.collection<T>(`${conceptName}.${things}`);
  }

  /**
   * Shadows each declared operation (a prototype method) on this instance with one that
   * awaits `ensureIndexes()` first. After the first call that is one resolved promise.
   */
  private prepareBeforeEachOperation(): void {
    const { schemas = {} } = this.constructor as unknown as { schemas?: Record<string, { kind: string; batched?: boolean }> };
    const self = this as unknown as Record<string, unknown>;
    for (const [name, schema] of Object.entries(schemas)) {
      for (const method of schema.batched === true ? [name, `${name}Batches`] : [name]) {
        const operation = self[method];
        if (typeof operation !== "function") continue;
        Object.defineProperty(this, method, {
          value: async (...args: unknown[]) => {
            await this.ensureIndexes();
            return (operation as Operation).apply(this, args);
          },
          writable: true,
          configurable: true,
        });
      }
    }
  }
}
