/**
 * find projections: inclusion or exclusion of (dotted) fields, `$slice`, `$elemMatch`, the
 * positional `field.$`, and computed fields (delegated to mingo's `$project`).
 */
import { Aggregator } from "mingo";
import { badValue, MongoServerFailure } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";
import { matchCondition, matches, type Filter } from "./matcher.ts";
import { mingoView } from "./mingo-view.ts";
import { inMongodOrder } from "./field-order.ts";
import { toNumber } from "./numeric.ts";
import { getPath } from "./path.ts";
import { firstMatchingIndex } from "./positional.ts";

type Doc = Record<string, unknown>;
type Tree = { [field: string]: Tree | true };
export type Projector = (doc: Doc) => Doc;

interface Plan {
  inclusion: boolean;
  keepId: boolean;
  tree: Tree;
  slices: Array<[string, unknown]>;
  elemMatches: Array<[string, unknown]>;
  positional: string[];
}

/** 1/0/true/false in any numeric type, as opposed to an expression. */
const isFlag = (value: unknown): boolean => typeof value === "boolean" || !Number.isNaN(toNumber(value));

const isTextScoreMeta = (value: unknown): boolean => isPlainDocument(value) && value.$meta === "textScore";

/**
 * `{ field: { $meta: "textScore" } }` beside the rest of a projection: the rest shapes the
 * document (a projection of nothing else keeps it whole), then the score is added, as mongod adds it.
 */
function withTextScores(spec: Doc, filter: Filter, textScore: ((doc: Doc) => number) | undefined): Projector {
  if (!textScore) throw new MongoServerFailure(40218, "Location40218", "query requires text score metadata, but it is not available");
  const names = Object.keys(spec).filter((name) => isTextScoreMeta(spec[name]));
  const rest = Object.fromEntries(Object.entries(spec).filter(([name]) => !names.includes(name)));
  const shape = compileProjection(rest, filter) ?? ((doc: Doc) => ({ ...doc }));
  return (doc) => {
    const out = shape(doc);
    for (const name of names) out[name] = textScore(doc);
    return out;
  };
}

export function compileProjection(spec: Doc | undefined, filter: Filter = {}, textScore?: (doc: Doc) => number): Projector | undefined {
  if (!spec || Object.keys(spec).length === 0) return undefined;
  if (Object.values(spec).some(isTextScoreMeta)) return withTextScores(spec, filter, textScore);
  if (Object.values(spec).some(isComputed)) return computedProjection(spec);
  const plan = planOf(spec);
  if (isTopLevelInclusion(plan)) return topLevelInclusion(new Set(Object.keys(plan.tree)), plan.keepId);
  return (doc) => project(doc, plan, filter);
}

/**
 * A name for what `compileProjection(spec)` makes of a document when that depends on the
 * document alone: no projection (""), or fields included or excluded. Two finds whose
 * projections have the same name shape a stored document alike, so its encoding may be kept
 * (wire/kept-encodings.ts). Undefined for the rest: a positional `field.$` depends on the
 * filter, `$slice` and `$elemMatch` hold values whose JSON would not tell their types apart,
 * and computed fields may read `$$NOW`.
 */
export function projectionKey(spec: Doc | undefined): string | undefined {
  if (!spec) return "";
  const fields: Array<[string, 0 | 1]> = [];
  for (const [path, value] of Object.entries(spec)) {
    if (!isFlag(value) || path.endsWith(".$")) return undefined;
    fields.push([path, toNumber(value) || value === true ? 1 : 0]);
  }
  return JSON.stringify(fields);
}

/** Only top-level fields included (`{ a: 1, b: 1 }`): the common shape, which needs no walk. */
function isTopLevelInclusion(plan: Plan): boolean {
  return plan.inclusion && plan.slices.length === 0 && plan.elemMatches.length === 0 && plan.positional.length === 0 && Object.values(plan.tree).every((node) => node === true);
}

/** The fields named, `_id` first when kept, the others in the document's order (as `project` gives them, without copying twice). */
function topLevelInclusion(fields: ReadonlySet<string>, keepId: boolean): Projector {
  return (doc) => {
    const out: Doc = {};
    if (keepId && "_id" in doc) out._id = doc._id;
    // for-in: a stored document is a plain object, and this walk allocates no list of its keys.
    for (const key in doc) if (key !== "_id" && fields.has(key)) out[key] = doc[key];
    return out;
  };
}

function isComputed(value: unknown): boolean {
  if (isPlainDocument(value)) return !("$slice" in value || "$elemMatch" in value);
  return !isFlag(value);
}

function planOf(spec: Doc): Plan {
  const plan: Plan = { inclusion: false, keepId: true, tree: {}, slices: [], elemMatches: [], positional: [] };
  let mode: "inclusion" | "exclusion" | undefined;
  const choose = (path: string, wanted: "inclusion" | "exclusion"): void => {
    if (mode && mode !== wanted) throw mixedProjection(path, mode);
    mode = wanted;
  };
  for (const [path, value] of Object.entries(spec)) {
    if (isPlainDocument(value) && "$slice" in value) { plan.slices.push([path, value.$slice]); continue; }
    if (isPlainDocument(value) && "$elemMatch" in value) { plan.elemMatches.push([path, value.$elemMatch]); choose(path, "inclusion"); continue; }
    const include = Boolean(toNumber(value) || value === true);
    if (path === "_id") { plan.keepId = include; continue; }
    if (path.endsWith(".$")) { plan.positional.push(path.slice(0, -2)); addToTree(plan.tree, path.slice(0, -2)); choose(path, "inclusion"); continue; }
    choose(path, include ? "inclusion" : "exclusion");
    addToTree(plan.tree, path);
  }
  const onlyIdIncluded = mode === undefined && plan.slices.length === 0 && "_id" in spec && plan.keepId;
  plan.inclusion = mode === "inclusion" || onlyIdIncluded;
  return plan;
}

function mixedProjection(path: string, mode: "inclusion" | "exclusion"): MongoServerFailure {
  return mode === "inclusion"
    ? new MongoServerFailure(31254, "Location31254", `Cannot do exclusion on field ${path} in inclusion projection`)
    : new MongoServerFailure(31253, "Location31253", `Cannot do inclusion on field ${path} in exclusion projection`);
}

function addToTree(tree: Tree, path: string): void {
  const parts = path.split(".");
  let node = tree;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) node[part] = true;
    else {
      const next = node[part];
      node = next === undefined || next === true ? (node[part] = {}) : next;
    }
  });
}

function include(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.filter((e) => isPlainDocument(e) || Array.isArray(e)).map((e) => include(e, tree));
  const out: Doc = {};
  for (const key of Object.keys(value as Doc)) {
    const node = tree[key];
    const field = (value as Doc)[key];
    if (node === true) out[key] = field;
    else if (node && (isPlainDocument(field) || Array.isArray(field))) out[key] = include(field, node);
  }
  return out;
}

function exclude(value: unknown, tree: Tree): unknown {
  if (Array.isArray(value)) return value.map((e) => (isPlainDocument(e) || Array.isArray(e) ? exclude(e, tree) : e));
  const out: Doc = {};
  for (const key of Object.keys(value as Doc)) {
    const node = tree[key];
    const field = (value as Doc)[key];
    if (node === true) continue;
    out[key] = node && (isPlainDocument(field) || Array.isArray(field)) ? exclude(field, node) : field;
  }
  return out;
}

function project(doc: Doc, plan: Plan, filter: Filter): Doc {
  let out: Doc;
  if (plan.inclusion) {
    out = include(doc, plan.tree) as Doc;
    if (plan.keepId && "_id" in doc) out = { _id: doc._id, ...out };
    else delete out._id;
    for (const [path] of plan.slices) if (path in doc) out[path] = doc[path];
  } else {
    out = exclude(doc, plan.tree) as Doc;
    if (!plan.keepId) delete out._id;
  }
  for (const path of plan.positional) {
    const index = firstMatchingIndex(doc, path, filter);
    setTop(out, path, [(getPath(doc, path) as unknown[])[index]]);
  }
  for (const [path, spec] of plan.slices) applySlice(out, path, spec);
  for (const [path, condition] of plan.elemMatches) {
    const array = getPath(doc, path);
    const found = Array.isArray(array) ? array.find((e) => elementMatches(e, condition)) : undefined;
    if (found === undefined) delete out[path];
    else out[path] = [found];
  }
  return out;
}

function elementMatches(element: unknown, condition: unknown): boolean {
  if (!isPlainDocument(condition)) return false;
  return isPlainDocument(element) ? matches(element, condition) : matchCondition([element], condition);
}

function setTop(out: Doc, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = out;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainDocument(node[part])) return;
    node = node[part] as Doc;
  }
  node[parts[parts.length - 1]!] = value;
}

function applySlice(out: Doc, path: string, spec: unknown): void {
  const array = getPath(out, path);
  if (!Array.isArray(array)) return;
  let sliced: unknown[];
  if (Array.isArray(spec)) {
    const [skipRaw, limitRaw] = spec.map(toNumber);
    const skip = skipRaw! < 0 ? Math.max(array.length + skipRaw!, 0) : skipRaw!;
    if (limitRaw! <= 0) throw badValue("$slice limit must be positive");
    sliced = array.slice(skip, skip + limitRaw!);
  } else {
    const n = toNumber(spec);
    sliced = n >= 0 ? array.slice(0, n) : array.slice(n);
  }
  setTop(out, path, sliced);
}

function computedProjection(spec: Doc): Projector {
  const stage = { $project: spec };
  const aggregator = new Aggregator([{ $project: mingoView(spec) as Doc }]);
  return (doc) => inMongodOrder(stage, [doc], aggregator.run([mingoView(doc) as Doc]))[0] as Doc;
}
