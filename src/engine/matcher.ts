/**
 * Finds the syncs a new record completes. Syncs are indexed by the operations their
 * when-patterns name; a new record is tried only against patterns on its own operation, and
 * the other patterns of a sync only against records of the same flow on their operations.
 */
import { isErrorOutput } from "./concept.ts";
import { bindPattern } from "./frames.ts";
import type { Frame } from "./frames.ts";
import type { FlowState } from "./flow.ts";
import type { ActionRecord } from "./records.ts";
import { operationKey } from "./sync.ts";
import type { CompiledPattern, CompiledSync } from "./sync.ts";

export interface Match {
  readonly sync: CompiledSync;
  readonly frame: Frame;
  /** The matched records, in when-pattern order. */
  readonly records: readonly ActionRecord[];
}

interface Watcher {
  readonly sync: CompiledSync;
  readonly position: number;
}

const emptyFrame: Frame = Object.freeze({});

/** An operation watched by this many patterns or more is also indexed by a literal input field. */
const indexedFrom = 8;

/**
 * The watchers of one operation by the value of one input field that most of their patterns
 * give as a literal (a route, a path): a record meets only those whose literal is its value,
 * and those with no literal there, in registration order.
 */
interface LiteralIndex {
  readonly field: string;
  readonly byValue: Map<string, Watcher[]>;
  /** The watchers with no literal for the field: all a record with another value can match. */
  readonly others: Watcher[];
}

export class Matcher {
  private readonly watchers = new Map<string, Watcher[]>();
  /** Built on the first match after a registration (syncs are registered before requests arrive). */
  private literalIndexes: Map<string, LiteralIndex | undefined> | undefined;
  readonly syncs: CompiledSync[] = [];

  add(sync: CompiledSync): void {
    this.literalIndexes = undefined;
    this.syncs.push(sync);
    sync.when.forEach((pattern, position) => {
      const list = this.watchers.get(pattern.key);
      if (list === undefined) this.watchers.set(pattern.key, [{ sync, position }]);
      else list.push({ sync, position });
    });
  }

  /** Whether any when-pattern names this operation (only those records are indexed in a flow). */
  watches(operation: string): boolean {
    return this.watchers.has(operation);
  }

  /** The syncs with a when-pattern on this operation. */
  watchersOf(operation: string): CompiledSync[] {
    return [...new Set((this.watchers.get(operation) ?? []).map((watcher) => watcher.sync))];
  }

  /** The watchers a record of `operation` may match: only its value's group when the operation is indexed by a literal. */
  private watchersFor(operation: string, record: ActionRecord): Watcher[] | undefined {
    const watchers = this.watchers.get(operation);
    if (watchers === undefined || watchers.length < indexedFrom) return watchers;
    this.literalIndexes ??= new Map();
    let index = this.literalIndexes.get(operation);
    if (!this.literalIndexes.has(operation)) {
      index = literalIndexOf(watchers);
      this.literalIndexes.set(operation, index);
    }
    if (index === undefined) return watchers;
    const value = (record.input as Record<string, unknown>)[index.field];
    return (typeof value === "string" ? index.byValue.get(value) : undefined) ?? index.others;
  }

  /** Every match that uses `record` (already added to `flow`) together with earlier records of the flow. */
  matches(flow: FlowState, record: ActionRecord): Match[] {
    const operation = operationKey(record.concept, record.action);
    const watchers = this.watchersFor(operation, record);
    if (watchers === undefined) return [];
    const found: Match[] = [];
    for (const { sync, position } of watchers) {
      const frame = matchRecord(sync.when[position] as CompiledPattern, record, emptyFrame);
      if (frame === undefined) continue;
      if (sync.when.length === 1) {
        found.push({ sync, frame, records: [record] });
        continue;
      }
      const chosen: (ActionRecord | undefined)[] = sync.when.map((_, index) => (index === position ? record : undefined));
      join(flow, sync, 0, frame, chosen, found);
    }
    return found;
  }
}

/** Indexes watchers by the input field most of their patterns give a string literal; none when no field is shared so. */
function literalIndexOf(watchers: readonly Watcher[]): LiteralIndex | undefined {
  const counts = new Map<string, number>();
  for (const { sync, position } of watchers) {
    const { input } = sync.when[position] as CompiledPattern;
    for (const field in input) if (typeof input[field] === "string") counts.set(field, (counts.get(field) ?? 0) + 1);
  }
  const [field, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (field === undefined || count === undefined || count < watchers.length / 2) return undefined;
  const literalOf = ({ sync, position }: Watcher): unknown => (sync.when[position] as CompiledPattern).input[field];
  const others = watchers.filter((watcher) => typeof literalOf(watcher) !== "string");
  const byValue = new Map<string, Watcher[]>();
  for (const value of new Set(watchers.map(literalOf))) {
    if (typeof value !== "string") continue;
    // In registration order, as without the index: syncs fire in the order they were registered.
    byValue.set(value, watchers.filter((watcher) => literalOf(watcher) === value || typeof literalOf(watcher) !== "string"));
  }
  return { field, byValue, others };
}

/** Fills the remaining when-patterns, in order, with distinct records of the flow. */
function join(flow: FlowState, sync: CompiledSync, index: number, frame: Frame, chosen: (ActionRecord | undefined)[], found: Match[]): void {
  if (index === sync.when.length) {
    found.push({ sync, frame, records: [...chosen] as ActionRecord[] });
    return;
  }
  if (chosen[index] !== undefined) {
    join(flow, sync, index + 1, frame, chosen, found);
    return;
  }
  const pattern = sync.when[index] as CompiledPattern;
  for (const candidate of flow.recordsOf(pattern.key)) {
    if (chosen.includes(candidate)) continue;
    const extended = matchRecord(pattern, candidate, frame);
    if (extended === undefined) continue;
    chosen[index] = candidate;
    join(flow, sync, index + 1, extended, chosen, found);
    chosen[index] = undefined;
  }
}

function matchRecord(pattern: CompiledPattern, record: ActionRecord, frame: Frame): Frame | undefined {
  if (record.thrown !== undefined) return undefined;
  if (pattern.template) {
    // The template's matching: each named field must be there (not undefined), whatever the
    // output; `{}` matches an `{ error }` output too (template/README.md).
    if (!hasDefinedFields(pattern.input, record.input) || !hasDefinedFields(pattern.output, record.output)) return undefined;
  } else if (isErrorOutput(record.output) !== pattern.matchesError) {
    return undefined;
  }
  const withInput = bindPattern(frame, pattern.input, record.input);
  if (withInput === undefined) return undefined;
  return bindPattern(withInput, pattern.output, record.output as Record<string, unknown>);
}

function hasDefinedFields(pattern: Readonly<Record<string, unknown>>, source: unknown): boolean {
  for (const key in pattern) {
    if (typeof source !== "object" || source === null || (source as Record<string, unknown>)[key] === undefined) return false;
  }
  return true;
}
