/**
 * Small in-memory concepts for engine tests and benchmarks, shaped like the focus request
 * flow (request -> end -> stats + streak -> badge -> respond) without knowing focus sessions.
 */
import type { Db } from "mongodb";
import { z } from "zod";
import { action, query } from "../../../src/engine/concept.ts";
import type { ActionContext } from "../../../src/engine/bindings.ts";
import type { ConceptImplementation, ErrorOutput } from "../../../src/engine/concept.ts";
import { conceptRef } from "../../../src/engine/refs.ts";

/**
 * Answers a repeated idempotency key with the outcome it first had, as the project's concepts
 * do: a resumed flow runs its actions again with their keys, and must not act twice.
 */
const rememberedKeys = 1000;

async function once<T>(outcomes: Map<string, T>, context: ActionContext | undefined, act: () => Promise<T>): Promise<T> {
  const key = context?.idempotencyKey;
  const earlier = key === undefined ? undefined : outcomes.get(key);
  if (earlier !== undefined) return earlier;
  const outcome = await act();
  if (key === undefined) return outcome;
  outcomes.set(key, outcome);
  // The latest keys are enough for these tests; benchmarks run 100k flows through them.
  if (outcomes.size > rememberedKeys) outcomes.delete(outcomes.keys().next().value as string);
  return outcome;
}

const RequestsSchemas = {
  request: action({ input: z.object({ path: z.string(), user: z.string().optional(), id: z.string().optional() }), output: z.object({ request: z.string() }) }),
  respond: action({ input: z.object({ request: z.string(), body: z.unknown() }), output: z.object({}) }),
};

/** Turns requests into actions and remembers responses. */
export class RequestsConcept implements ConceptImplementation<typeof RequestsSchemas> {
  static readonly conceptName = "Requests";
  static readonly schemas = RequestsSchemas;
  /** Like the HTTP request concept: its requests live in memory, nothing to recover after a crash. */
  static readonly ephemeral = true;
  private next = 0;
  readonly responses = new Map<string, unknown>();

  constructor(_db?: Db) {}

  async request(): Promise<{ request: string }> {
    return { request: `r${this.next++}` };
  }

  async respond({ request, body }: { request: string; body: unknown }): Promise<Record<string, never>> {
    this.responses.set(request, body);
    return {};
  }

  /** Hands the response over once (so benchmarks keep no state per finished flow). */
  take(request: string): unknown {
    const body = this.responses.get(request);
    this.responses.delete(request);
    return body;
  }
}
export const Requests = conceptRef(RequestsConcept);

const SessionsSchemas = {
  end: action({ input: z.object({ session: z.string() }), output: z.object({ session: z.string(), user: z.string(), minutes: z.number() }) }),
  _owner: query({ input: z.object({ session: z.string() }), output: z.object({ user: z.string() }) }),
};

/** Sessions that can end once; ending an unknown or ended session is an error output. */
export class SessionsConcept implements ConceptImplementation<typeof SessionsSchemas> {
  static readonly conceptName = "Sessions";
  static readonly schemas = SessionsSchemas;
  readonly open = new Map<string, { user: string; minutes: number }>();

  constructor(_db?: Db) {}

  start(session: string, user: string, minutes = 25): void {
    this.open.set(session, { user, minutes });
  }

  private readonly outcomes = new Map<string, { session: string; user: string; minutes: number } | ErrorOutput>();

  async end({ session }: { session: string }, context?: ActionContext): Promise<{ session: string; user: string; minutes: number } | ErrorOutput> {
    return once(this.outcomes, context, async () => this.endNow(session));
  }

  private endNow(session: string): { session: string; user: string; minutes: number } | ErrorOutput {
    const found = this.open.get(session);
    if (found === undefined) return { error: `no running session ${session}`, reason: "not_found" };
    this.open.delete(session);
    return { session, ...found };
  }

  async _owner({ session }: { session: string }): Promise<{ user: string }[]> {
    const found = this.open.get(session);
    return found === undefined ? [] : [{ user: found.user }];
  }
}
export const Sessions = conceptRef(SessionsConcept);

const StatsSchemas = {
  record: action({ input: z.object({ user: z.string(), minutes: z.number() }), output: z.object({ total: z.number() }) }),
  _total: query({ input: z.object({ user: z.string() }), output: z.object({ total: z.number() }) }),
};

/** Minutes per user. */
export class StatsConcept implements ConceptImplementation<typeof StatsSchemas> {
  static readonly conceptName = "Stats";
  static readonly schemas = StatsSchemas;
  readonly totals = new Map<string, number>();

  constructor(_db?: Db) {}

  private readonly outcomes = new Map<string, { total: number }>();

  async record({ user, minutes }: { user: string; minutes: number }, context?: ActionContext): Promise<{ total: number }> {
    return once(this.outcomes, context, async () => {
      const total = (this.totals.get(user) ?? 0) + minutes;
      this.totals.set(user, total);
      return { total };
    });
  }

  async _total({ user }: { user: string }): Promise<{ total: number }[]> {
    const total = this.totals.get(user);
    return total === undefined ? [] : [{ total }];
  }
}
export const Stats = conceptRef(StatsConcept);

const StreakSchemas = {
  bump: action({ input: z.object({ user: z.string() }), output: z.object({ current: z.number() }) }),
};

/** Counts activity per user. */
export class StreakConcept implements ConceptImplementation<typeof StreakSchemas> {
  static readonly conceptName = "Streak";
  static readonly schemas = StreakSchemas;
  readonly current = new Map<string, number>();

  constructor(_db?: Db) {}

  private readonly outcomes = new Map<string, { current: number }>();

  async bump({ user }: { user: string }, context?: ActionContext): Promise<{ current: number }> {
    return once(this.outcomes, context, async () => {
      const current = (this.current.get(user) ?? 0) + 1;
      this.current.set(user, current);
      return { current };
    });
  }
}
export const Streak = conceptRef(StreakConcept);

const BadgeSchemas = {
  award: action({ input: z.object({ user: z.string(), badge: z.string() }), output: z.object({ badge: z.string() }) }),
  _badges: query({ input: z.object({ user: z.string() }), output: z.object({ badge: z.string() }) }),
};

/** Badges per user, each awarded once. */
export class BadgeConcept implements ConceptImplementation<typeof BadgeSchemas> {
  static readonly conceptName = "Badge";
  static readonly schemas = BadgeSchemas;
  readonly awarded = new Map<string, Set<string>>();

  constructor(_db?: Db) {}

  async award({ user, badge }: { user: string; badge: string }): Promise<{ badge: string }> {
    let badges = this.awarded.get(user);
    if (badges === undefined) this.awarded.set(user, (badges = new Set()));
    badges.add(badge);
    return { badge };
  }

  async _badges({ user }: { user: string }): Promise<{ badge: string }[]> {
    return [...(this.awarded.get(user) ?? [])].map((badge) => ({ badge }));
  }
}
export const Badge = conceptRef(BadgeConcept);

/** A fresh set of the test concepts. */
export function testConcepts(): {
  requests: RequestsConcept;
  sessions: SessionsConcept;
  stats: StatsConcept;
  streak: StreakConcept;
  badge: BadgeConcept;
} {
  return {
    requests: new RequestsConcept(),
    sessions: new SessionsConcept(),
    stats: new StatsConcept(),
    streak: new StreakConcept(),
    badge: new BadgeConcept(),
  };
}
