/**
 * Paths as update operators see them: `$`, `$[]` and `$[identifier]` expand to concrete
 * paths; concrete paths are written and removed, creating sub-documents on the way.
 */
import { MongoServerFailure, badValue } from "../errors.ts";
import { isPlainDocument } from "./bson-types.ts";
import { matches, type Filter } from "./matcher.ts";

type Doc = Record<string, unknown>;
const isIndex = (segment: string): boolean => /^\d+$/.test(segment);

export interface PositionalContext {
  /** Index of the element the query matched, for `$` (computed on demand). */
  positionalIndex(arrayPath: string): number;
  arrayFilters: Map<string, Filter>;
}

/** Concrete paths (only field names and indexes) that `path` designates in `doc`. */
export function expandPath(doc: Doc, path: string, context: PositionalContext): string[][] {
  let paths: string[][] = [[]];
  for (const segment of path.split(".")) {
    const next: string[][] = [];
    for (const prefix of paths) {
      if (segment === "$") {
        next.push([...prefix, String(context.positionalIndex(prefix.join(".")))]);
      } else if (segment.startsWith("$[")) {
        const array = readPath(doc, prefix);
        if (!Array.isArray(array)) {
          throw badValue(`The path '${prefix.join(".")}' must exist in the document in order to apply array updates.`);
        }
        const identifier = segment.slice(2, -1);
        const filter = identifier === "" ? undefined : context.arrayFilters.get(identifier);
        if (identifier !== "" && !filter) {
          throw badValue(`No array filter found for identifier '${identifier}' in path '${path}'`);
        }
        array.forEach((element, i) => {
          if (!filter || matches({ [identifier]: element }, filter)) next.push([...prefix, String(i)]);
        });
      } else {
        next.push([...prefix, segment]);
      }
    }
    paths = next;
  }
  return paths;
}

export function readPath(doc: unknown, parts: string[]): unknown {
  let value = doc;
  for (const part of parts) {
    if (Array.isArray(value) && isIndex(part)) value = value[Number(part)];
    else if (isPlainDocument(value)) value = value[part];
    else return undefined;
  }
  return value;
}

function pathNotViable(part: string, container: unknown): MongoServerFailure {
  return new MongoServerFailure(28, "PathNotViable", `Cannot create field '${part}' in element {${JSON.stringify(container)}}`);
}

/** Writes `value` at `parts`, creating missing sub-documents (and padding arrays with null). */
export function writePath(doc: Doc, parts: string[], value: unknown): void {
  let node: unknown = doc;
  parts.forEach((part, i) => {
    const last = i === parts.length - 1;
    if (Array.isArray(node)) {
      if (!isIndex(part)) throw pathNotViable(part, node);
      const index = Number(part);
      while (node.length < index) node.push(null);
      if (last) node[index] = value;
      else {
        if (node[index] === undefined || node[index] === null) node[index] = {};
        node = node[index];
      }
      return;
    }
    if (!isPlainDocument(node)) throw pathNotViable(part, node);
    if (last) node[part] = value;
    else {
      if (node[part] === undefined || node[part] === null) node[part] = {};
      node = node[part];
    }
  });
}

/** Removes the field at `parts` (an array element becomes null, as in mongod). */
export function removePath(doc: Doc, parts: string[]): boolean {
  const parent = readPath(doc, parts.slice(0, -1));
  const last = parts[parts.length - 1]!;
  if (Array.isArray(parent) && isIndex(last)) {
    const index = Number(last);
    if (index >= parent.length) return false;
    parent[index] = null;
    return true;
  }
  if (isPlainDocument(parent) && Object.prototype.hasOwnProperty.call(parent, last)) {
    delete parent[last];
    return true;
  }
  return false;
}
