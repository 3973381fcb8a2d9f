/**
 * Which queries a sync's where-clause runs. A where-clause is code, not data, so it is run
 * dry: its when-variables bound to a placeholder, every query answered by a runner that
 * notes the query and makes up its rows. It runs twice, once with a row for every query and
 * once with none, because a filter or `notExists` may drop the frames before later queries;
 * what either run reached is kept. It touches no database and no concept, and queries a
 * branch never reached in either run stay unseen (the graph says "found by a dry run").
 */
import { framesFor, type Frame, type QueryRunner } from "../../engine/frames.ts";
import type { CompiledSync } from "../../engine/sync.ts";
import { isVariable } from "../../engine/vars.ts";

const placeholder = "…";

export async function whereQueries(sync: CompiledSync): Promise<string[]> {
  if (sync.where === undefined) return [];
  const seen = new Set<string>();
  for (const answersRows of [true, false]) await dryRun(sync, seen, answersRows);
  return [...seen];
}

async function dryRun(sync: CompiledSync, seen: Set<string>, answersRows: boolean): Promise<void> {
  const runner: QueryRunner = {
    query: async (ref) => {
      seen.add(`${ref.concept}.${ref.name}`);
      return answersRows ? [madeUpRow] : [];
    },
  };
  const DryFrames = framesFor(runner);
  try {
    await sync.where?.(new DryFrames(whenBindings(sync)));
  } catch {
    // A filter or bind meeting made-up values may throw: the queries seen so far still count.
  }
}

/** Every variable of the when-patterns bound to the placeholder. */
function whenBindings(sync: CompiledSync): Frame {
  const frame: Record<symbol, unknown> = {};
  for (const pattern of sync.when) {
    for (const value of [...Object.values(pattern.input), ...Object.values(pattern.output)]) {
      if (isVariable(value)) frame[value] = placeholder;
    }
  }
  return frame;
}

/** A row with every field the where-clause asks for. */
const madeUpRow: Record<string, unknown> = new Proxy(
  {},
  {
    has: () => true,
    get: (_target, key) => (typeof key === "string" ? placeholder : undefined),
  },
);
