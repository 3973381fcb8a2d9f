/**
 * What the log keeps of an action's input and output: enough to explain a flow, not a copy
 * of whatever a client sent. A value over the budget is cut (the cut marked, with its size
 * and the start of its JSON). Keys stay as they are, even those a database cannot store as
 * field names (a NUL byte, a leading `$`, a `.`): the log stores values as JSON text.
 */

/** Bytes of JSON (about) one record's input and output may take in the log, each. */
export const recordValueBudget = 4096;
/** A value larger than this inside an over-budget one is replaced by its cut marker. */
const largeValue = 512;
const previewChars = 160;

export interface CutValue {
  readonly cut: true;
  /** The size of the whole value, in bytes of JSON (-1: it has none, as a cycle). */
  readonly bytes: number;
  /** The start of its JSON. */
  readonly preview: string;
}

/** The value as the log keeps it: itself when small, otherwise bounded. */
export function forLog(value: unknown, budget = recordValueBudget): unknown {
  if (jsonSize(value) <= budget) return value;
  return bounded(value, budget, 0);
}

/** `forLog(value)` as JSON text (undefined for undefined), serialising a small value once. */
export function logJson(value: unknown, budget = recordValueBudget): string | undefined {
  const json = jsonText(value);
  // Undefined (or a function): nothing to keep.
  if (json === "") return undefined;
  if (json !== undefined && json.length <= budget) return json;
  return JSON.stringify(bounded(value, budget, 0));
}

/** Deeper than this, a value is cut whatever its size (documents nest at most 100 deep; cycles end here). */
const maxDepth = 32;

function bounded(value: unknown, budget: number, depth: number): unknown {
  const size = jsonSize(value);
  if (size <= largeValue) return value;
  if (depth >= maxDepth) return cutMarker(value, size);
  if (Array.isArray(value)) return fitEntries(value.map((item, index) => [String(index), item] as const), budget, size, true, depth);
  if (isPlainObject(value)) return fitEntries(Object.entries(value), budget, size, false, depth);
  if (size > budget) return cutMarker(value, size);
  return value;
}

/** Keeps entries in order while they fit the budget (each large one cut); the rest are counted. */
function fitEntries(entries: readonly (readonly [string, unknown])[], budget: number, size: number, asArray: boolean, depth: number): unknown {
  if (size <= budget || entries.length === 0) {
    const kept = entries.map(([key, item]) => [key, bounded(item, budget, depth + 1)] as const);
    return asArray ? kept.map(([, item]) => item) : Object.fromEntries(kept);
  }
  let left = budget;
  const kept: (readonly [string, unknown])[] = [];
  for (const [key, item] of entries) {
    const itemSize = jsonSize(item);
    const stored = itemSize > largeValue ? cutMarker(item, itemSize) : bounded(item, largeValue, depth + 1);
    const storedSize = itemSize > largeValue ? previewChars + 40 : itemSize;
    if (storedSize > left) break;
    left -= storedSize + key.length + 4;
    kept.push([key, stored]);
  }
  const dropped = entries.length - kept.length;
  if (asArray) return dropped === 0 ? kept.map(([, item]) => item) : [...kept.map(([, item]) => item), { cut: true, bytes: size, dropped }];
  return dropped === 0 ? Object.fromEntries(kept) : { ...Object.fromEntries(kept), "(cut)": { cut: true, bytes: size, dropped } };
}

function cutMarker(value: unknown, bytes: number): CutValue {
  return { cut: true, bytes: Number.isFinite(bytes) ? bytes : -1, preview: jsonOf(value).slice(0, previewChars) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The value's JSON ("" when it has none, as undefined); undefined when serialising throws (a cycle, a getter that throws). */
function jsonText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return undefined;
  }
}

function jsonOf(value: unknown): string {
  return jsonText(value) ?? String(value);
}

/** Bytes of JSON the value takes; infinite when it has none (a cycle, a getter that throws), so that it is cut. */
function jsonSize(value: unknown): number {
  if (value === undefined || value === null || typeof value === "boolean") return 4;
  if (typeof value === "number") return 8;
  if (typeof value === "string") return value.length + 2;
  if (value instanceof Date) return 24;
  return jsonText(value)?.length ?? Number.POSITIVE_INFINITY;
}
