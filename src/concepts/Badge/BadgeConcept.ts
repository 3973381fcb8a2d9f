import { randomUUID } from "node:crypto";
import { z } from "zod";
import {
  action,
  query,
  type ConceptImplementation,
  type ConceptSchemas,
  type ErrorOutput,
  type InputOf,
  type OutputOf,
} from "../../engine/concept.ts";
import { definedOnly } from "../../engine/defined.ts";
import { conflictOnDuplicate, isDuplicateKeyError } from "../../engine/mongo-errors.ts";
import { conceptRef } from "../../engine/refs.ts";
import { empty, id } from "../../engine/schemas.ts";
import { StoredConcept } from "../../engine/stored-concept.ts";
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
}

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
   *           meet and that they do not hold yet; newBadges are those awarded now,
   *           badgeCount how many the user holds in all */
  async evaluate({ user, ...figures }: InputOf<Schemas["evaluate"]>): Promise<OutputOf<Schemas["evaluate"]> | ErrorOutput> {
    await this.ensureIndexes();
    const [definitions, held] = await Promise.all([
      this.definitions.find().sort({ name: 1 }).toArray(),
      this.awards.distinct("badge", { user }),
    ]);
    const candidates = definitions.filter((badge) => !held.includes(badge._id) && meets(figures, badge.criteria));
    const earnedAt = this.clock.now();
    // The unique (user, badge) index decides: of concurrent evaluations one awards each badge.
    const awarded = await Promise.all(candidates.map((badge) => this.award(user, badge, earnedAt)));
    const newBadges = candidates.filter((_, index) => awarded[index]).map(toSummary);
    // The unique (user, badge) index makes held + awarded now the count, with no read for it,
    // unless a concurrent evaluation awarded one of ours meanwhile: then the database counts.
    const badgeCount = newBadges.length === candidates.length ? held.length + newBadges.length : await this.awards.countDocuments({ user });
    return { newBadges, badgeCount };
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
      return { badge };
    }, `a badge named ${name} already exists`);
  }

  /** _getUserBadges (user): (id, name, description, earnedAt) -- earliest earned first */
  async _getUserBadges({ user }: InputOf<Schemas["_getUserBadges"]>): Promise<OutputOf<Schemas["_getUserBadges"]>[]> {
    await this.ensureIndexes();
    const awards = await this.awards.find({ user }).sort({ earnedAt: 1, _id: 1 }).toArray();
    const definitions = await this.definitions.find({ _id: { $in: awards.map((award) => award.badge) } }).toArray();
    const byId = new Map(definitions.map((badge) => [badge._id, badge]));
    return awards.flatMap(({ badge, earnedAt }) => {
      const definition = byId.get(badge);
      return definition ? [{ ...toSummary(definition), earnedAt }] : [];
    });
  }

  /** _getDefinitions (): (id, name, description, criteria) -- by name */
  async _getDefinitions(_input: InputOf<Schemas["_getDefinitions"]>): Promise<OutputOf<Schemas["_getDefinitions"]>[]> {
    await this.ensureIndexes();
    const definitions = await this.definitions.find().sort({ name: 1 }).toArray();
    return definitions.map((badge) => ({ ...toSummary(badge), criteria: badge.criteria }));
  }

  /** Whether this call awarded the badge (false: the user already held it). */
  private async award(user: string, badge: BadgeDefinition, earnedAt: Date): Promise<boolean> {
    try {
      await this.awards.insertOne({ _id: randomUUID(), user, badge: badge._id, earnedAt });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
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
