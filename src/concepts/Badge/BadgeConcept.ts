import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ActionContext } from "../../engine/bindings.ts";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { definedOnly } from "../../utils/defined.ts";
import { insertGrouped } from "../../utils/grouped-inserts.ts";
import { conflictOnDuplicate, isDuplicateKeyError } from "../../utils/mongo-errors.ts";
import { conceptRef } from "../../engine/refs.ts";
import { empty, id } from "../../utils/schemas.ts";
import { StoredConcept } from "../../utils/stored-concept.ts";
import { defaultBadges, type BadgeDefinition, type Criteria } from "./defaults.ts";

const criteria = z.object({
  completedSessions: z.number().int().positive().optional(),
  totalFocusMs: z.number().finite().positive().optional(),
  currentStreak: z.number().int().positive().optional(),
});
const metrics = {
  completedSessions: z.number().int().nonnegative(),
  totalFocusMs: z.number().finite().nonnegative(),
  currentStreak: z.number().int().nonnegative(),
};
type Metric = keyof typeof metrics;
const badgeSummary = z.object({ id, name: z.string(), description: z.string() });

export const BadgeSchemas = {
  evaluate: action({
    input: z.object({ user: id, ...metrics }),
    output: z.object({ newBadges: z.array(badgeSummary), badgeCount: z.number().int() }),
    syncOnly: true,
    description: "Awards the user every badge whose criteria the given figures now meet, each badge once.",
  }),
  define: action({
    input: z.object({
      name: z.string().min(1).max(100),
      description: z.string().max(1000),
      criteria: criteria.refine((given) => Object.values(given).some((value) => value !== undefined), "needs at least one criterion"),
    }),
    output: z.object({ badge: id }),
    syncOnly: true,
    description: "Defines a new badge (service use); names are unique.",
    example: { input: { name: "Twenty Sessions", description: "Completed 20 sessions", criteria: { completedSessions: 20 } } },
  }),
  _getUserBadges: query({
    input: z.object({ user: id }),
    output: badgeSummary.extend({ earnedAt: z.date() }),
    description: "The badges the user has earned, earliest first.",
  }),
  _getDefinitions: query({
    input: empty,
    output: badgeSummary.extend({ criteria }),
    description: "Every badge that can be earned, by name.",
  }),
} satisfies ConceptSchemas;

type Schemas = typeof BadgeSchemas;
type BadgeSummary = z.infer<typeof badgeSummary>;

interface Award {
  _id: string;
  user: string;
  badge: string;
  earnedAt: Date;
  /** The idempotency key of the evaluation that awarded it, so that a repeat answers it as new again. */
  key?: string;
}

/**
 * How long a process trusts its copy of the badge definitions. Definitions never change once
 * made (define only adds), and this process's own define refreshes the copy at once, so the
 * copy can only lack a badge another process defined: such a badge is awarded here at most
 * this long after it was defined.
 */
export const definitionsRefreshMs = 10_000;

/**
 * concept Badge [User]
 * purpose   reward progress with named milestones
 * principle badges are defined by criteria over completed sessions, total focus time and
 *           current streak ("First Study": one completed session); when a user's figures are
 *           evaluated, every badge they now meet is awarded, and never awarded twice
 */
export class BadgeConcept extends StoredConcept implements ConceptImplementation<Schemas> {
  static readonly conceptName = "Badge";
  static readonly schemas = BadgeSchemas;

  private readonly definitions = this.collection<BadgeDefinition>("definitions");
  private readonly awards = this.collection<Award>("awards");
  /** This process's copy of the definitions (by name) and when it was read; see `definitionsRefreshMs`. */
  private copy: { definitions: Promise<BadgeDefinition[]>; readAt: number } | undefined;

  /** Creates the indexes, then seeds the default badges. */
  protected async prepare(): Promise<void> {
    await Promise.all([
      this.definitions.createIndex({ name: 1 }, { name: "unique_name", unique: true }),
      this.awards.createIndex({ user: 1, badge: 1 }, { name: "once_per_user", unique: true }),
      this.awards.createIndex({ user: 1, earnedAt: 1 }, { name: "by_user_earned" }),
    ]);
    await Promise.all(defaultBadges.map((badge) => this.seed(badge)));
  }

  /** evaluate (user, completedSessions, totalFocusMs, currentStreak): (newBadges, badgeCount)
   *  effects  awards the user every badge whose criteria (all of those it sets) the figures
   *           meet and that they do not hold yet; newBadges are those awarded now (on a repeat
   *           of the same idempotency key, those its first run awarded), badgeCount how many
   *           the user holds in all */
  async evaluate({ user, ...figures }: InputOf<Schemas["evaluate"]>, context?: ActionContext): Promise<OutputOf<Schemas["evaluate"]> | ErrorOutput> {
    await this.ensureIndexes();
    const key = context?.idempotencyKey;
    // Steady state, one command: the user's awards (the definitions come from this process's copy).
    const [definitions, held] = await Promise.all([
      this.knownDefinitions(),
      this.awards.find({ user }, { projection: { badge: 1, key: 1 } }).toArray(),
    ]);
    const holds = new Set(held.map((award) => award.badge));
    const candidates = definitions.filter((badge) => !holds.has(badge._id) && meets(figures, badge.criteria));
    const awarded = await this.award(user, candidates, key);
    const awardedBefore = key === undefined ? [] : held.filter((award) => award.key === key).map((award) => award.badge);
    const newBadges = await this.summaries([...awardedBefore, ...candidates.filter((badge) => awarded.has(badge._id)).map((badge) => badge._id)]);
    // Once award() returns every candidate is held (by this call, or by a concurrent one the
    // unique index preferred), and awards are never taken back: the count needs no read.
    return { newBadges, badgeCount: holds.size + candidates.length };
  }

  /** define (name, description, criteria): (badge)
   *  requires no badge has this name; criteria sets at least one threshold
   *  effects  adds a badge definition */
  async define({ name, description, criteria: thresholds }: InputOf<Schemas["define"]>): Promise<{ badge: string } | ErrorOutput> {
    if (!Object.values(thresholds).some((value) => value !== undefined)) return { error: "criteria needs at least one threshold" };
    await this.ensureIndexes();
    const badge = randomUUID();
    return conflictOnDuplicate(async () => {
      await this.definitions.insertOne({ _id: badge, name, description, criteria: definedOnly(thresholds) });
      this.copy = undefined; // this process's evaluations award it from now on
      return { badge };
    }, `a badge named ${name} already exists`);
  }

  /** _getUserBadges (user): (id, name, description, earnedAt) -- earliest earned first */
  async _getUserBadges({ user }: InputOf<Schemas["_getUserBadges"]>): Promise<OutputOf<Schemas["_getUserBadges"]>[]> {
    await this.ensureIndexes();
    const awards = await this.awards.find({ user }).sort({ earnedAt: 1, _id: 1 }).toArray();
    const byId = new Map((await this.summaries(awards.map((award) => award.badge))).map((badge) => [badge.id, badge]));
    return awards.flatMap(({ badge, earnedAt }) => {
      const summary = byId.get(badge);
      return summary ? [{ ...summary, earnedAt }] : [];
    });
  }

  /** _getDefinitions (): (id, name, description, criteria) -- by name */
  async _getDefinitions(_input: InputOf<Schemas["_getDefinitions"]>): Promise<OutputOf<Schemas["_getDefinitions"]>[]> {
    await this.ensureIndexes();
    const definitions = await this.definitions.find().sort({ name: 1 }).toArray();
    return definitions.map((badge) => ({ ...toSummary(badge), criteria: badge.criteria }));
  }

  /**
   * Awards the badges in one command; answers the ids this call (or, under its idempotency
   * key, a concurrent run of it) awarded. The unique (user, badge) index refuses a badge the
   * user already holds, and the unordered insert goes on with the others.
   */
  private async award(user: string, badges: readonly BadgeDefinition[], key: string | undefined): Promise<Set<string>> {
    if (badges.length === 0) return new Set();
    const earnedAt = this.clock.now();
    const awards = badges.map((badge): Award => ({ _id: randomUUID(), user, badge: badge._id, earnedAt, ...(key !== undefined && { key }) }));
    // One insert for all of them (and for other users' awards of the same turn); the unique
    // index refuses a badge already held, for that badge alone.
    const outcomes = await Promise.allSettled(awards.map((award) => insertGrouped(this.awards, award)));
    const failure = outcomes.find((outcome) => outcome.status === "rejected" && !isDuplicateKeyError(outcome.reason));
    if (failure !== undefined) throw (failure as PromiseRejectedResult).reason;
    const taken = badges.filter((_, index) => outcomes[index]!.status === "rejected").map((badge) => badge._id);
    const awarded = new Set(badges.filter((_, index) => outcomes[index]!.status === "fulfilled").map((badge) => badge._id));
    // Taken by a run with the same key (a resumed action racing the live one): ours too.
    if (key !== undefined && taken.length > 0) for (const award of await this.awards.find({ user, key, badge: { $in: taken } }).toArray()) awarded.add(award.badge);
    return awarded;
  }

  /**
   * The definitions as this process last read them, read again once older than
   * `definitionsRefreshMs` (concurrent callers share one read; a failed read is not kept).
   */
  private knownDefinitions(): Promise<BadgeDefinition[]> {
    const now = this.clock.now().getTime();
    const copy = this.copy;
    if (copy !== undefined && now >= copy.readAt && now - copy.readAt < definitionsRefreshMs) return copy.definitions;
    const reading = { definitions: this.definitions.find().sort({ name: 1 }).toArray(), readAt: now };
    this.copy = reading;
    reading.definitions.catch(() => {
      if (this.copy === reading) this.copy = undefined;
    });
    return reading.definitions;
  }

  /** The summaries of these badges, by name; one read for those the copy lacks (defined since, elsewhere). */
  private async summaries(ids: readonly string[]): Promise<BadgeSummary[]> {
    if (ids.length === 0) return [];
    const known = new Map((await this.knownDefinitions()).map((badge) => [badge._id, badge]));
    const missing = ids.filter((badge) => !known.has(badge));
    if (missing.length > 0) for (const badge of await this.definitions.find({ _id: { $in: missing } }).toArray()) known.set(badge._id, badge);
    return ids
      .flatMap((badge) => known.get(badge) ?? [])
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(toSummary);
  }

  /** Adds a default badge unless it (or a badge of its name) exists. */
  private async seed({ _id, ...definition }: BadgeDefinition): Promise<void> {
    try {
      await this.definitions.updateOne({ _id }, { $setOnInsert: definition }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }
}

/** Whether the figures reach every threshold the criteria set. */
function meets(figures: Record<Metric, number>, criteria: Criteria): boolean {
  return (Object.keys(metrics) as Metric[]).every((metric) => {
    const threshold = criteria[metric];
    return threshold === undefined || figures[metric] >= threshold;
  });
}

function toSummary({ _id, name, description }: BadgeDefinition): BadgeSummary {
  return { id: _id, name, description };
}

export const Badge = conceptRef(BadgeConcept);
