/** Reading documents: filter through the best index, then sort, skip, limit and project. */
import type { Document } from "bson";
import { compileFilter, type Filter } from "../query/matcher.ts";
import { compileProjection } from "../query/projection.ts";
import { compileSort, type SortSpec } from "../query/sort.ts";
import type { Collection } from "../storage/collection.ts";
import { checkDeadline } from "./time-limit.ts";

export interface Selection {
  filter?: Filter;
  sort?: SortSpec;
  skip?: number;
  /** 0 or absent: no limit. */
  limit?: number;
  projection?: Document;
  /** The command's deadline (epoch ms): scanning past it answers 50 MaxTimeMSExpired. */
  deadline?: number | undefined;
}

/** Matching documents in result order, before projection. */
export function matchingDocuments(collection: Collection | undefined, selection: Selection): Document[] {
  if (!collection) return [];
  const predicate = compileFilter(selection.filter);
  const compare = compileSort(selection.sort);
  const skip = selection.skip ?? 0;
  const limit = selection.limit || Number.POSITIVE_INFINITY;
  const ordered = compare && collection.inSortOrder(selection.filter, selection.sort);
  const needsSort = compare && !ordered;
  const matched: Document[] = [];
  const enough = needsSort ? Number.POSITIVE_INFINITY : skip + limit;
  let seen = 0;
  for (const doc of ordered || collection.candidates(selection.filter)) {
    if ((++seen & 255) === 0) checkDeadline(selection.deadline);
    if (predicate(doc)) matched.push(doc);
    if (matched.length >= enough) break;
  }
  if (needsSort) matched.sort(compare);
  return skip || limit !== Number.POSITIVE_INFINITY ? matched.slice(skip, skip + limit) : matched;
}

export function selectDocuments(collection: Collection | undefined, selection: Selection): Document[] {
  const docs = matchingDocuments(collection, selection);
  const project = compileProjection(selection.projection, selection.filter);
  return project ? docs.map(project) : docs;
}
