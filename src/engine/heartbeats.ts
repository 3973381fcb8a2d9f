/**
 * Engines sharing a database announce that they are alive: each bumps a counter in its own
 * document of `<prefix>.engines` every beat. Pending work belongs to the engine that wrote it
 * (`owner` on its marker) for as long as that engine beats; once its counter has stood still
 * for `staleMs`, the engine is dead (killed, its machine gone) and its work is anyone's.
 *
 * Whether a counter stands still is judged by the watcher's own clock, between two looks that
 * both succeeded: clocks of different machines need not agree, and an outage of the database
 * (or of the watcher) stops every counter for a while without anyone having died, so after a
 * gap in its own looks a watcher starts watching afresh.
 */
import type { Collection, Db } from "mongodb";

interface EngineDoc {
  _id: string;
  beats: number;
  /** The beat's time by the beating engine's clock: for people, and for the TTL index. */
  at: Date;
}

/** A dead engine's document is removed this long after its last beat. */
const forgetAfterSeconds = 24 * 3600;

export class Heartbeats {
  private readonly engines: Collection<EngineDoc>;
  /** Each watched engine's counter when last seen changing, and since when (this clock). */
  private readonly seen = new Map<string, { beats: number; since: number }>();
  private lastLookAt = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    prefix: string,
    /** This engine's id, as its markers name their owner. */
    readonly id: string,
    private readonly options: { readonly staleMs: number; readonly beatMs: number },
  ) {
    this.engines = db.collection<EngineDoc>(`${prefix}.engines`);
  }

  async prepare(): Promise<void> {
    await this.engines.createIndex({ at: 1 }, { expireAfterSeconds: forgetAfterSeconds });
  }

  /** One beat: this engine is alive. */
  async beat(): Promise<void> {
    await this.engines.updateOne({ _id: this.id }, { $inc: { beats: 1 }, $set: { at: new Date() } }, { upsert: true });
  }

  /** This engine stops for good (an orderly shutdown): its work is anyone's at once. */
  async retire(): Promise<void> {
    await this.engines.deleteOne({ _id: this.id });
  }

  /**
   * Which of `owners` are dead: their counter (or the lack of any document) has not changed
   * for `staleMs` of this engine's watching. Never this engine itself.
   */
  async dead(owners: ReadonlySet<string>): Promise<Set<string>> {
    const others = [...owners].filter((owner) => owner !== this.id);
    if (others.length === 0) return new Set();
    const docs = await this.engines.find({ _id: { $in: others } }, { projection: { beats: 1 } }).toArray();
    const now = Date.now();
    // A look missed (this engine or the database was away): counters seen before may have moved unseen.
    if (now - this.lastLookAt > 3 * this.options.beatMs) this.seen.clear();
    this.lastLookAt = now;
    const beatsOf = new Map(docs.map((doc) => [doc._id, doc.beats]));
    const dead = new Set<string>();
    for (const owner of others) {
      const beats = beatsOf.get(owner) ?? -1;
      const seen = this.seen.get(owner);
      if (seen === undefined || seen.beats !== beats) this.seen.set(owner, { beats, since: now });
      else if (now - seen.since >= this.options.staleMs) dead.add(owner);
    }
    for (const owner of this.seen.keys()) if (!owners.has(owner)) this.seen.delete(owner);
    return dead;
  }
}
