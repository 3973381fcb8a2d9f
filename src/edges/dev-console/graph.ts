/**
 * The sync graph as data: every concept with its actions and queries, and every sync with the
 * operations in its `when` (and the queries its `where` runs) leading to those in its `then`.
 * The dev console draws it (`GET /dev/graph.json`), `npm run graph` writes it as Mermaid.
 */
import type { ConceptClass } from "../../engine/concept.ts";

/** What the graph needs of a concept class. */
export type GraphConceptSource = Pick<ConceptClass, "conceptName" | "schemas">;
import type { CompiledPattern, CompiledSync } from "../../engine/sync.ts";
import { isVariable, variableName } from "../../engine/vars.ts";
import { overviewOf, type OverviewEdge } from "./overview.ts";
import { whereQueries } from "./where-probe.ts";

export interface GraphOperation {
  /** `Concept.name`, as the edges name it. */
  readonly id: string;
  readonly concept: string;
  readonly name: string;
  readonly kind: "action" | "query";
}

export interface GraphConcept {
  readonly name: string;
  readonly operations: readonly GraphOperation[];
}

export interface GraphSync {
  readonly name: string;
  /** The file that exports it, relative to the syncs folder; undefined when it was not found there. */
  readonly file: string | undefined;
  /** The feature folder (the file's first folder), for filtering. */
  readonly folder: string | undefined;
  /** Operation ids, in pattern order. */
  readonly when: readonly string[];
  /** The queries a dry run of its where-clause reached (helpers it calls included). */
  readonly where: readonly string[];
  readonly then: readonly string[];
  /** The clauses as text, for a reader: `FocusSession.end {} → { status: "completed", user: ?user }`. */
  readonly clauses: { readonly when: readonly string[]; readonly where: boolean; readonly then: readonly string[] };
}

export interface SyncGraph {
  readonly concepts: readonly GraphConcept[];
  readonly syncs: readonly GraphSync[];
  /** The same syncs at a glance: counted edges between concepts, by feature folder (overview.ts). */
  readonly overview: readonly OverviewEdge[];
}

export interface GraphSources {
  readonly concepts: readonly GraphConceptSource[];
  readonly syncs: readonly CompiledSync[];
  /** Sync name → file relative to the syncs folder. */
  readonly files: ReadonlyMap<string, string>;
}

export async function syncGraph({ concepts, syncs, files }: GraphSources): Promise<SyncGraph> {
  const graphSyncs = await Promise.all(syncs.map((sync) => graphSync(sync, files.get(sync.name))));
  return {
    concepts: concepts.map((concept) => ({
      name: concept.conceptName,
      operations: Object.entries(concept.schemas).map(([name, schema]) => ({
        id: `${concept.conceptName}.${name}`,
        concept: concept.conceptName,
        name,
        kind: schema.kind,
      })),
    })),
    syncs: graphSyncs,
    overview: overviewOf({ syncs: graphSyncs }),
  };
}

async function graphSync(sync: CompiledSync, file: string | undefined): Promise<GraphSync> {
  const slash = file?.replaceAll("\\", "/").indexOf("/") ?? -1;
  return {
    name: sync.name,
    file,
    folder: file !== undefined && slash > 0 ? file.slice(0, slash) : undefined,
    when: unique(sync.when.map((pattern) => `${pattern.concept}.${pattern.action}`)),
    where: await whereQueries(sync),
    then: unique(sync.then.map((then) => `${then.concept}.${then.action}`)),
    clauses: {
      when: sync.when.map(whenText),
      where: sync.where !== undefined,
      then: sync.then.map((then) => `${then.concept}.${then.action} ${patternText(then.input)}`),
    },
  };
}

function whenText(pattern: CompiledPattern): string {
  return `${pattern.concept}.${pattern.action} ${patternText(pattern.input)} → ${patternText(pattern.output)}`;
}

/** A pattern as a reader writes it: literals as JSON, variables as `?name`. */
export function patternText(pattern: Readonly<Record<string, unknown>>): string {
  const fields = Object.entries(pattern).map(([key, value]) => `${key}: ${valueText(value)}`);
  return fields.length === 0 ? "{}" : `{ ${fields.join(", ")} }`;
}

function valueText(value: unknown): string {
  if (isVariable(value)) return `?${variableName(value)}`;
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return patternText(value as Record<string, unknown>);
  }
  return JSON.stringify(value) ?? String(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
