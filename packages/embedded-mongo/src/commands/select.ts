/**
 * Reading documents: filter through the best index, then sort, skip and limit. Scans and sorts
 * yield to other connections as they go (time-slice.ts), so one long query never holds the
 * server; projection is left to the cursor, which shapes each batch as it is sent.
 */
import type { Document } from "bson";
import type { Collation } from "../query/collation.ts";
import { compileFilter, type Filter } from "../query/matcher.ts";
import { compileSort, type SortSpec } from "../query/sort.ts";
import { compareValues } from "../query/compare.ts";
import { isPlainDocument } from "../query/bson-types.ts";
import { MongoServerFailure } from "../errors.ts";
import type { Collection, SortOrderWalk } from "../storage/collection.ts";
import type { JournalRecord, Persistence } from "../storage/persistence.ts";
import type { Store } from "../storage/store.ts";
import type { Variables } from "../query/variables.ts";
import { pauseWrite, sortYielding, TimeSlice } from "./time-slice.ts";
import { nearClauseOf } from "../query/geo/near-clause.ts";
import { byDistance, requireGeoIndex } from "./geo-near.ts";
import { textMatcher, type TextScores } from "./text-search.ts";

export interface Selection {
  filter?: Filter;
  sort?: SortSpec;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  /** The command's deadline (epoch ms): scanning past it answers 50 MaxTimeMSExpired. */
  deadline?: number | undefined;
  /** Strings compare by this collation (indexes, in binary order, are then not used). */
  collation?: Collation | undefined;
  /** The command's `let`, for `$expr`. */
  variables?: Variables | undefined;
  /** The command's `hint`, checked (see `checkHint`). */
  hint?: unknown;
  /** Where the scores of a `$text` query's matches go, for `{ $meta: "textScore" }` in a sort or projection. */
  textScores?: TextScores | undefined;
}

/**
 * A `hint` must name an index of the collection (by name or key pattern) or be `$natural`, or
 * the command fails as on mongod (2 BadValue). Here it does not choose the plan: results are
 * the same whichever index is walked.
 */
export function checkHint(collection: Collection | undefined, hint: unknown): void {
  if (hint === undefined || !collection) return;
  const specs = collection.indexSpecs();
  if (typeof hint === "string" ? specs.some((spec) => spec.name === hint) : isPlainDocument(hint) && ("$natural" in hint || specs.some((spec) => compareValues(spec.key, hint) === 0))) return;
  throw new MongoServerFailure(2, "BadValue", "hint provided does not correspond to an existing index");
}

/** What decides whether a document matches: the filter, with the command's collation and variables. */
export type MatchQuery = Pick<Selection, "filter" | "collation" | "variables">;

/** Matching documents in result order, as stored (not projected). */
export async function matchingDocuments(collection: Collection | undefined, selection: Selection): Promise<Document[]> {
  if (!collection) return noneFrom(selection);
  return everyMatch(collection, selection, plan(collection, selection));
}

/**
 * What a find answers: every match, or, when an index holds the documents in result order and
 * its leading equalities are the whole filter (a user's records by time, say), the documents
 * found as they are read (`rest`). A cursor then finds each batch as it is taken instead of
 * every match before its first reply (100k records held the server 75 ms before the first,
 * while its client had nothing to do). Each is matched when it is read, so a change made
 * meanwhile is seen, as on mongod; and nearly every document met matches, so no batch scans long.
 */
export async function findDocuments(collection: Collection | undefined, selection: Selection): Promise<{ docs: Document[]; rest?: Iterator<Document> }> {
  if (!collection) return { docs: noneFrom(selection) };
  const planned = plan(collection, selection);
  if (planned.ordered?.covered) {
    const { docs, exact } = planned.ordered;
    return { docs: [], rest: matchesInWindow(docs, exact ? undefined : planned.predicate, selection.skip ?? 0, selection.limit || Number.POSITIVE_INFINITY) };
  }
  return { docs: await everyMatch(collection, selection, planned) };
}

/** The filter as a predicate over the collection's documents (its `$text` through the collection's text index). */
function predicateFor(collection: Collection, query: MatchQuery, scores?: TextScores): (doc: Document) => boolean {
  return compileFilter(query.filter, { ...query, text: textMatcher(collection, query.filter, scores) });
}

/** No documents, from a collection that does not exist: the filter is still refused if mongod would refuse it. */
export function noneFrom(query: MatchQuery): Document[] {
  compileFilter(query.filter, query);
  return [];
}

interface Plan {
  predicate: (doc: Document) => boolean;
  /** The result order: the sort's, or else nearest first under a `$near`/`$nearSphere`. */
  compare: ((a: Document, b: Document) => number) | undefined;
  /** An index walk in result order, when one serves the sort. */
  ordered: SortOrderWalk | undefined;
}

function plan(collection: Collection, selection: Selection): Plan {
  checkHint(collection, selection.hint);
  const near = nearClauseOf(selection.filter);
  if (near) requireGeoIndex(collection, near);
  const predicate = predicateFor(collection, selection, selection.textScores);
  const scores = selection.textScores;
  // An explicit sort overrides the distance order, as on mongod.
  const compare = compileSort(selection.sort, selection.collation, scores && ((doc) => scores.get(doc) ?? 0)) ?? (near && byDistance(near));
  return {
    predicate,
    compare,
    // Indexes hold strings in binary order: a collated query scans and sorts for itself.
    ordered: compare && !near && !selection.collation ? collection.inSortOrder(selection.filter, selection.sort) : undefined,
  };
}

async function everyMatch(collection: Collection, selection: Selection, { predicate, compare, ordered }: Plan): Promise<Document[]> {
  const slice = new TimeSlice(selection.deadline);
  const skip = selection.skip ?? 0;
  const limit = selection.limit || Number.POSITIVE_INFINITY;
  const needsSort = compare && !ordered;
  let matched: Document[] = [];
  const enough = needsSort ? Number.POSITIVE_INFINITY : skip + limit;
  for (const doc of ordered?.docs ?? (selection.collation ? collection.all() : collection.candidates(selection.filter))) {
    if (slice.due()) await slice.pause();
    if (predicate(doc)) matched.push(doc);
    if (matched.length >= enough) break;
  }
  if (needsSort) matched = await sortYielding(matched, compare, slice);
  return skip || limit !== Number.POSITIVE_INFINITY ? matched.slice(skip, skip + limit) : matched;
}

/** The documents of `docs` that pass `predicate` (every one when there is none to apply), past the first `skip`, `limit` at most. */
function* matchesInWindow(docs: Iterable<Document>, predicate: ((doc: Document) => boolean) | undefined, skip: number, limit: number): Generator<Document> {
  let skipped = 0;
  let given = 0;
  for (const doc of docs) {
    if (predicate !== undefined && !predicate(doc)) continue;
    if (skipped < skip) skipped += 1;
    else {
      yield doc;
      if (++given >= limit) return;
    }
  }
}

/**
 * The current version of `doc` if it still matches: another connection may have updated or
 * deleted it while the scan that found it yielded (mongod re-checks a document after yielding
 * too). A collection dropped or renamed meanwhile answers 175 QueryPlanKilled, as in mongod.
 */
function currentMatch(store: Store, collection: Collection, predicate: (doc: Document) => boolean, doc: Document): Document | undefined {
  const dot = collection.ns.indexOf(".");
  if (store.collection(collection.ns.slice(0, dot), collection.ns.slice(dot + 1)) !== collection) {
    throw new MongoServerFailure(175, "QueryPlanKilled", `collection ${collection.ns} was dropped or renamed while the operation ran`);
  }
  const now = collection.byId(doc._id);
  return now !== undefined && (now === doc || predicate(now)) ? now : undefined;
}

/** What a write may still change of the documents a yielding scan found (see `currentMatch`), checked at once. */
export function stillMatching(store: Store, collection: Collection, query: MatchQuery, docs: Document[]): Document[] {
  const predicate = predicateFor(collection, query);
  const current: Document[] = [];
  for (const doc of docs) {
    const now = currentMatch(store, collection, predicate, doc);
    if (now !== undefined) current.push(now);
  }
  return current;
}

/** Writes each found document that still matches when its turn comes, pausing as scans do (`pauseWrite`). */
export async function forEachStillMatching(
  context: { server: { store: Store; persistence: Persistence }; deadline?: number | undefined },
  collection: Collection,
  query: MatchQuery,
  docs: Document[],
  log: JournalRecord[],
  write: (doc: Document) => void,
): Promise<void> {
  const predicate = predicateFor(collection, query);
  const slice = new TimeSlice(context.deadline);
  for (const doc of docs) {
    if (slice.due()) await pauseWrite(slice, context.server.persistence, log);
    const now = currentMatch(context.server.store, collection, predicate, doc);
    if (now !== undefined) write(now);
  }
}
