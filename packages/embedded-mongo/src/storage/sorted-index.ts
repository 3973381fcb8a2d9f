/**
 * A secondary index: entries (key tuple, document key) kept sorted in a chunked list, found by
 * binary search. Answers equality and range scans on the first field, ordered walks under an
 * equality prefix, and unique-key checks.
 */
import type { Document } from "bson";
import { bsonTypeOf, typeRank } from "../query/bson-types.ts";
import { readCollation, type Collation } from "../query/collation.ts";
import { compareValues } from "../query/compare.ts";
import { matches } from "../query/matcher.ts";
import { ChunkedSortedList } from "./chunked-sorted-list.ts";
import { indexKeys, type IndexKey } from "./index-keys.ts";
import { checkGeoKeys, GEO_FLAT, GEO_SPHERE, geoPaths } from "./geo-keys.ts";
import { isTextIndex } from "./text-index-spec.ts";

interface Entry {
  key: IndexKey;
  id: string;
}

export interface IndexSpec extends Document {
  v: number;
  key: Record<string, unknown>;
  name: string;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
}

export interface KeyChange {
  readonly before: IndexKey[];
  readonly after: IndexKey[];
}

export interface RangeBound {
  value: unknown;
  inclusive: boolean;
}

function compareKeys(a: IndexKey, b: IndexKey, collation?: Collation): number {
  for (let i = 0; i < a.length; i++) {
    const order = compareValues(a[i], b[i], collation);
    if (order) return order;
  }
  return 0;
}

/** Same values of the same types: a key that changes type (1 to 1.0) must be re-indexed too. */
function sameKey(a: IndexKey, b: IndexKey): boolean {
  return a.length === b.length && a.every((value, i) => bsonTypeOf(value) === bsonTypeOf(b[i]) && compareValues(value, b[i]) === 0);
}

function entryOrder(collation: Collation | undefined): (a: Entry, b: Entry) => number {
  return (a, b) => compareKeys(a.key, b.key, collation) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export class SortedIndex {
  readonly paths: string[];
  /**
   * An index with a collation keeps its entries in that collation's order, so that its unique
   * check finds keys equal under it ("a" and "A" at strength 2). The planner does not use it
   * (collated queries scan): its order is not the binary order the other lookups assume.
   */
  readonly collation: Collation | undefined;
  private readonly entries: ChunkedSortedList<Entry>;
  /**
   * A geo index's fields, by kind. Such an index holds no entries: it checks what documents
   * put there, and lets geo queries run (they measure every candidate, see query/geo).
   */
  readonly geoPaths: Readonly<Record<typeof GEO_SPHERE | typeof GEO_FLAT, readonly string[]>>;
  /** A text index, which holds no entries either: `$text` scores every candidate (query/text). */
  readonly text: boolean;

  constructor(readonly spec: IndexSpec) {
    this.paths = Object.keys(spec.key);
    this.geoPaths = { [GEO_SPHERE]: geoPaths(spec, GEO_SPHERE), [GEO_FLAT]: geoPaths(spec, GEO_FLAT) };
    this.text = isTextIndex(spec);
    this.collation = readCollation(spec.collation);
    this.entries = new ChunkedSortedList<Entry>(entryOrder(this.collation));
  }

  /** Whether some document ever had several entries here (as mongod's multikey flag, it stays set). */
  multikey = false;

  get name(): string { return this.spec.name; }
  get unique(): boolean { return this.spec.unique === true; }
  get sparse(): boolean { return this.spec.sparse === true; }
  get partial(): boolean { return this.spec.partialFilterExpression !== undefined; }
  /** Whether this is a geo index, which lookups, ranges and sorts never walk. */
  get geo(): boolean { return this.geoPaths[GEO_SPHERE].length + this.geoPaths[GEO_FLAT].length > 0; }

  /** Key tuples `doc` has in this index; none when sparse or partial rules leave it out. */
  keysOf(doc: Document): IndexKey[] {
    if (this.spec.partialFilterExpression && !matches(doc, this.spec.partialFilterExpression)) return [];
    if (this.geo) {
      checkGeoKeys(doc, this.spec);
      return [];
    }
    if (this.text) return [];
    return indexKeys(doc, this.paths, this.sparse) ?? [];
  }

  add(doc: Document, id: string): void {
    this.addKeys(this.keysOf(doc), id);
  }

  private addKeys(keys: IndexKey[], id: string): void {
    if (keys.length > 1) this.multikey = true;
    for (const key of keys) this.entries.insert({ key, id });
  }

  /** Moves a document's entries from its previous version's keys to the next one's, if they differ. */
  update(previous: Document, next: Document, id: string): void {
    const change = this.changeOf(previous, next);
    if (change !== undefined) this.move(change, id);
  }

  /** A document's keys before and after a change; undefined when the change leaves them as they were. */
  changeOf(previous: Document, next: Document): KeyChange | undefined {
    const before = this.keysOf(previous);
    const after = this.keysOf(next);
    if (before.length === after.length && before.every((key, i) => sameKey(key, after[i]!))) return undefined;
    return { before, after };
  }

  /** Applies a change `changeOf` found. */
  move({ before, after }: KeyChange, id: string): void {
    this.removeKeys(before, id);
    this.addKeys(after, id);
  }

  remove(doc: Document, id: string): void {
    this.removeKeys(this.keysOf(doc), id);
  }

  private removeKeys(keys: IndexKey[], id: string): void {
    for (const key of keys) this.entries.remove({ key, id });
  }

  /** The document key of another document holding `key` already, if any. */
  conflict(key: IndexKey, id: string): string | undefined {
    for (const entry of this.entries.from(this.entries.lowerBound((e) => compareKeys(e.key, key, this.collation) >= 0))) {
      if (compareKeys(entry.key, key, this.collation) !== 0) return undefined;
      if (entry.id !== id) return entry.id;
    }
    return undefined;
  }

  /** Document keys whose first field equals one of `values`, in index order. */
  equal(values: unknown[]): string[] {
    const ids: string[] = [];
    for (const value of values) {
      for (const entry of this.entries.from(this.entries.lowerBound((e) => compareValues(e.key[0], value) >= 0))) {
        if (compareValues(entry.key[0], value) !== 0) break;
        ids.push(entry.id);
      }
    }
    return ids;
  }

  /** Document keys whose first field lies between the bounds, within the bounds' BSON type. */
  range(lower: RangeBound | undefined, upper: RangeBound | undefined): string[] {
    const rank = typeRank((lower ?? upper)!.value);
    const start = lower
      ? this.entries.lowerBound((e) => compareValues(e.key[0], lower.value) >= 0)
      : this.entries.lowerBound((e) => typeRank(e.key[0]) >= rank);
    const ids: string[] = [];
    for (const entry of this.entries.from(start)) {
      const first = entry.key[0];
      if (typeRank(first) !== rank) break;
      if (lower && !lower.inclusive && compareValues(first, lower.value) === 0) continue;
      if (upper) {
        const order = compareValues(first, upper.value);
        if (order > 0 || (order === 0 && !upper.inclusive)) break;
      }
      ids.push(entry.id);
    }
    return ids;
  }

  /**
   * Document keys whose leading fields equal `prefix`, in index order on the fields after it
   * (or its reverse): an equality on the leading fields plus a sort on the next ones, served
   * without looking at the rest of the prefix's entries once the caller has enough.
   */
  *prefixOrdered(prefix: readonly unknown[], direction: 1 | -1): IterableIterator<string> {
    const versus = (key: IndexKey): number => {
      for (let i = 0; i < prefix.length; i++) {
        const order = compareValues(key[i], prefix[i]);
        if (order) return order;
      }
      return 0;
    };
    const entries =
      direction === 1
        ? this.entries.from(this.entries.lowerBound((e) => versus(e.key) >= 0))
        : this.entries.before(this.entries.lowerBound((e) => versus(e.key) > 0));
    for (const entry of entries) {
      if (versus(entry.key) !== 0) return;
      yield entry.id;
    }
  }

  /** Every document key in index order (ascending on all fields) or its reverse; multikey documents repeat. */
  *ordered(direction: 1 | -1): IterableIterator<string> {
    const entries = direction === 1 ? this.entries.from({ chunk: 0, offset: 0 }) : this.entries.reversed();
    for (const entry of entries) yield entry.id;
  }

  get size(): number { return this.entries.size; }
}
