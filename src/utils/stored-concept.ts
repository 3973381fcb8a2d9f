/**
 * What every concept kept in MongoDB shares: collections named "<Concept>.<things>", an
 * injected clock, and indexes created lazily, once per instance, so that construction stays
 * synchronous. Every operation awaits `ensureIndexes()` first; callers may await it too
 * (at startup, say) to surface an unreachable database early.
 */
import type { Collection, Db, Document } from "mongodb";
import { systemClock, type Clock, type ConceptOptions } from "../engine/concept.ts";
import { once } from "../engine/once.ts";

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
  }

  /** Idempotent set-up run before the first operation: index creation, default data. */
  protected abstract prepare(): Promise<void>;

  /** The collection "<Concept>.<things>", named after the class's static `conceptName`. */
  protected collection<T extends Document>(things: string): Collection<T> {
    const { conceptName } = this.constructor as unknown as { conceptName: string };
    return this.db.collection<T>(`${conceptName}.${things}`);
  }
}
