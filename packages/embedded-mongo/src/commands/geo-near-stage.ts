/**
 * `$geoNear`, the first stage of a pipeline: the documents near a point, nearest first, each
 * with its distance in `distanceField` (times `distanceMultiplier`) and, with `includeLocs`,
 * the location that was measured. It runs as a find with `$nearSphere` (or `$near` for a flat
 * legacy query) over the collection's 2dsphere index, so its units and bounds are the same.
 */
import type { Document } from "bson";
import { badValue, MongoServerFailure } from "../errors.ts";
import { isNumeric, isPlainDocument } from "../query/bson-types.ts";
import { cloneValue } from "../query/clone.ts";
import { nearest, readNear } from "../query/geo/near.ts";
import type { Filter } from "../query/matcher.ts";
import { toNumber } from "../query/numeric.ts";
import { resolvePath } from "../query/path.ts";
import { writePath } from "../query/update-paths.ts";
import type { Collection } from "../storage/collection.ts";
import { GEO_FLAT, GEO_SPHERE, type GeoKind } from "../storage/geo-keys.ts";
import { matchingDocuments, type Selection } from "./select.ts";

function optionalString(spec: Document, name: string): string | undefined {
  const value = spec[name];
  if (value !== undefined && typeof value !== "string") throw badValue(`$geoNear requires '${name}' to be a String`);
  return value;
}

/**
 * The geo field the stage measures: `key`, or else the collection's only 2d field, or else its
 * only 2dsphere field (a GeoJSON point takes 2dsphere fields only), as mongod picks it.
 */
function geoField(collection: Collection, key: string | undefined, geoJson: boolean): string {
  const kinds: GeoKind[] = geoJson ? [GEO_SPHERE] : [GEO_FLAT, GEO_SPHERE];
  if (key !== undefined) {
    if (!kinds.some((kind) => collection.geoIndexPaths(kind).includes(key))) throw new MongoServerFailure(27, "IndexNotFound", `$geoNear found no geo index on '${key}'`);
    return key;
  }
  for (const kind of kinds) {
    const paths = collection.geoIndexPaths(kind);
    if (paths.length > 1) throw new MongoServerFailure(27, "IndexNotFound", `There is more than one ${kind} index on ${collection.ns}; unsure which to use for $geoNear`);
    if (paths.length === 1) return paths[0]!;
  }
  throw new MongoServerFailure(27, "IndexNotFound", "$geoNear requires a 2d or 2dsphere index, but none were found");
}

/** The `$near`/`$nearSphere` condition the stage's options amount to. */
function nearCondition(spec: Document): { operator: "$near" | "$nearSphere"; condition: Record<string, unknown> } {
  const bounds = {
    ...(spec.maxDistance !== undefined && { $maxDistance: spec.maxDistance }),
    ...(spec.minDistance !== undefined && { $minDistance: spec.minDistance }),
  };
  if (isPlainDocument(spec.near) && "type" in spec.near) return { operator: "$nearSphere", condition: { $nearSphere: { $geometry: spec.near, ...bounds } } };
  if (spec.near === undefined) throw badValue("$geoNear requires a 'near' option as an Array");
  const operator = spec.spherical === true ? "$nearSphere" : "$near";
  return { operator, condition: { [operator]: spec.near, ...bounds } };
}

export async function geoNearStage(collection: Collection | undefined, spec: unknown, selection: Selection): Promise<Document[]> {
  if (!isPlainDocument(spec)) throw badValue("$geoNear argument must be an object");
  const distanceField = optionalString(spec, "distanceField");
  if (distanceField === undefined) throw badValue("$geoNear requires a 'distanceField' option as a String");
  const includeLocs = optionalString(spec, "includeLocs");
  const multiplier = spec.distanceMultiplier === undefined ? 1 : isNumeric(spec.distanceMultiplier) ? toNumber(spec.distanceMultiplier) : Number.NaN;
  if (!(multiplier >= 0)) throw badValue("distanceMultiplier must be a non-negative number");
  const { operator, condition } = nearCondition(spec);
  const near = readNear(operator, condition);
  if (!collection) return [];
  const path = geoField(collection, optionalString(spec, "key"), near.metric === "meters");
  const query = (spec.query ?? {}) as Filter;
  const docs = await matchingDocuments(collection, { ...selection, filter: { $and: [query, { [path]: condition }] } });
  return docs.map((doc) => {
    const out = cloneValue(doc);
    const found = nearest(near, resolvePath(doc, path))!;
    writePath(out, distanceField.split("."), found.distance * multiplier);
    if (includeLocs !== undefined) writePath(out, includeLocs.split("."), cloneValue(found.value));
    return out;
  });
}
