/**
 * One collection in memory: documents keyed by their `_id` (O(1) lookups, insertion order as
 * natural order) plus sorted secondary indexes kept in step with every write.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { compareValues } from "../query/compare.ts";
import { duplicateKey } from "./duplicate-key.ts";
import type { JournalRecord } from "./persistence.ts";
import { planQuery, prefixSortingIndex, sortingIndex } from "./planner.ts";
import type { IndexKey } from "./index-keys.ts";
import { SortedIndex, type IndexSpec, type KeyChange } from "./sorted-index.ts";
import { valueKey } from "./value-key.ts";
import { GEO_SPHERE, type GeoKind } from "./geo-keys.ts";

export const ID_INDEX: IndexSpec = { v: 2, key: { _id: 1 }, name: "_id_" };

/** Documents in a sort's order from an index walk; `covered` and `exact` as `PrefixPlan` says. */
export interface SortOrderWalk {
  docs: Iterable<Document>;
  covered: boolean;
  exact: boolean;
}

export class Collection {
  private readonly docs = new Map<string, Document>();
  readonly indexes = new Map<string, SortedIndex>();
  /** Bumped by every change of a document, so that a paused walk knows it may meet one again. */
  private changes = 0;

  constructor(
    readonly ns: string,
    readonly options: Document = {},
  ) {}

  get size(): number {
    return this.docs.size;
  }

  all(): IterableIterator<Document> {
    return this.docs.values();
  }

  byId(id: unknown): Document | undefined {
    return this.docs.get(valueKey(id));
  }

  /** Documents that may match `filter`, found through the cheapest index; a superset of the matches. */
  *candidates(filter: Document | undefined): Iterable<Document> {
    const plan = planQuery(filter, this.plannable());
    if (plan.kind === "scan") {
      yield* this.docs.values();
      return;
    }
    yield* this.documentsAt(
      plan.kind === "ids" ? plan.values.map(valueKey)
      : plan.kind === "index" ? plan.index.equal(plan.values)
      : plan.index.range(plan.lower, plan.upper),
      plan.kind !== "range" || plan.index.multikey, // `$in` values may repeat
    );
  }

  /**
   * Every document in `sort` order, read from an index that holds them so, when the filter has
   * no index of its own to narrow the search; undefined when no such plan applies. Covered:
   * the index's leading equalities are the whole filter, so nearly every document the walk
   * meets matches, and it may stop anywhere and go on later without scanning long.
   */
  inSortOrder(filter: Document | undefined, sort: Document | undefined): SortOrderWalk | undefined {
    const prefixed = prefixSortingIndex(filter, sort, this.plannable());
    if (prefixed) {
      const { index, prefix, direction, covered, exact } = prefixed;
      return { docs: this.documentsAt(index.prefixOrdered(prefix, direction), index.multikey), covered, exact };
    }
    if (planQuery(filter, this.plannable()).kind !== "scan") return undefined;
    const sorting = sortingIndex(sort, this.plannable());
    return sorting && { docs: this.documentsAt(sorting.index.ordered(sorting.direction), sorting.index.multikey), covered: false, exact: false };
  }

  /**
   * The indexes a query may be planned on: not hidden ones (as mongod), not collated ones,
   * whose entries are in their collation's order rather than the binary order lookups assume,
   * and not geo or text ones, which hold no entries.
   */
  private *plannable(): Iterable<SortedIndex> {
    for (const index of this.indexes.values()) if (!index.collation && !index.geo && !index.text && index.spec.hidden !== true) yield index;
  }

  /**
   * The documents under these keys, each once. Keys repeat where `repeats` says they may (a
   * multikey index, repeated `$in` values), or once a document changed while the walk paused
   * (moved ahead in the index, it comes again): until then the keys given are only listed,
   * which costs far less than hashing each into a set (a 100k-document read spent a fifth of
   * its time there).
   */
  private *documentsAt(keys: Iterable<string>, repeats: boolean): Generator<Document> {
    const given: string[] = [];
    let seen: Set<string> | undefined;
    const changes = this.changes;
    for (const key of keys) {
      if (seen === undefined && (repeats || this.changes !== changes)) seen = new Set(given);
      if (seen === undefined) given.push(key);
      else if (seen.has(key)) continue;
      else seen.add(key);
      const doc = this.docs.get(key);
      if (doc) yield doc;
    }
  }

  insert(doc: Document, log: JournalRecord[]): void {
    const key = valueKey(doc._id);
    if (this.docs.has(key)) throw duplicateKey(this.ns, "_id_", { _id: 1 }, [doc._id]);
    this.checkUnique(doc, key);
    // A geo index refuses what is not a geometry: checked before anything changes.
    for (const index of this.indexes.values()) if (index.geo) index.keysOf(doc);
    this.changes += 1;
    this.docs.set(key, doc);
    for (const index of this.indexes.values()) index.add(doc, key);
    log.push({ t: "put", ns: this.ns, doc });
  }

  /**
   * Puts a document back as a journal recorded it (inserted or replacing its previous
   * version), skipping the unique checks it passed when it was written.
   */
  restore(doc: Document): void {
    const key = valueKey(doc._id);
    const previous = this.docs.get(key);
    this.changes += 1;
    for (const index of this.indexes.values()) {
      if (previous) index.update(previous, doc, key);
      else index.add(doc, key);
    }
    this.docs.set(key, doc);
  }

  /** Replaces a stored document by its new version (same `_id`). */
  replace(previous: Document, next: Document, log: JournalRecord[]): void {
    const key = valueKey(previous._id);
    // Only keys the change moves are checked and moved: a key the document keeps cannot newly conflict.
    const moves: [SortedIndex, KeyChange][] = [];
    for (const index of this.indexes.values()) {
      const change = index.changeOf(previous, next);
      if (change === undefined) continue;
      if (index.unique) this.checkKeys(index, change.after, key);
      moves.push([index, change]);
    }
    this.changes += 1;
    for (const [index, change] of moves) index.move(change, key);
    this.docs.set(key, next);
    log.push({ t: "put", ns: this.ns, doc: next });
  }

  remove(doc: Document, log: JournalRecord[]): void {
    const key = valueKey(doc._id);
    if (!this.docs.delete(key)) return;
    this.changes += 1;
    for (const index of this.indexes.values()) index.remove(doc, key);
    log.push({ t: "del", ns: this.ns, id: doc._id });
  }

  private checkUnique(doc: Document, key: string): void {
    for (const index of this.indexes.values()) if (index.unique) this.checkKeys(index, index.keysOf(doc), key);
  }

  private checkKeys(index: SortedIndex, keys: readonly IndexKey[], key: string): void {
    for (const indexKey of keys) {
      if (index.conflict(indexKey, key) !== undefined) throw duplicateKey(this.ns, index.name, index.spec.key, indexKey);
    }
  }

  indexSpecs(): IndexSpec[] {
    return [ID_INDEX, ...[...this.indexes.values()].map((index) => index.spec)];
  }

  /** Builds an index over the current documents; refuses (11000) when a unique index would be violated. */
  createIndex(spec: IndexSpec, log: JournalRecord[]): void {
    const index = new SortedIndex(spec);
    for (const [key, doc] of this.docs) {
      if (index.unique) this.checkKeys(index, index.keysOf(doc), key);
      index.add(doc, key);
    }
    this.indexes.set(spec.name, index);
    log.push({ t: "createIndex", ns: this.ns, spec });
  }

  /** An index with the same key pattern, if any (createIndexes is idempotent on it). */
  indexWithKey(key: Document): SortedIndex | undefined {
    for (const index of this.indexes.values()) {
      if (compareValues(index.spec.key, key) === 0) return index;
    }
    return undefined;
  }

  /** The fields geo indexes of a kind cover (geo near queries need one, as on mongod); hidden ones do not count. */
  geoIndexPaths(kind: GeoKind = GEO_SPHERE): string[] {
    const paths: string[] = [];
    for (const index of this.indexes.values()) if (index.spec.hidden !== true) paths.push(...index.geoPaths[kind]);
    return paths;
  }

  /** The collection's text index (a collection has one at most), unless hidden. */
  textIndex(): IndexSpec | undefined {
    for (const index of this.indexes.values()) if (index.text && index.spec.hidden !== true) return index.spec;
    return undefined;
  }

  dropIndex(name: string, log: JournalRecord[]): void {
    if (!this.indexes.delete(name)) {
      throw new MongoServerFailure(27, "IndexNotFound", `index not found with name [${name}]`);
    }
    log.push({ t: "dropIndex", ns: this.ns, name });
  }
}
