/**
 * What a find with `$near`/`$nearSphere` needs beyond matching: a geo index on the field, as
 * mongod's planner needs one, and the nearest-first order of its answer.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { NearClause } from "../query/geo/near-clause.ts";
import { nearDistance } from "../query/geo/near.ts";
import { resolvePath } from "../query/path.ts";
import type { Collection } from "../storage/collection.ts";
import { GEO_FLAT, GEO_SPHERE, type GeoKind } from "../storage/geo-keys.ts";

/**
 * A GeoJSON point needs a 2dsphere index on the field, a legacy `$near` a 2d index, a legacy
 * `$nearSphere` either; without, the query fails as on mongod (291 NoQueryExecutionPlans, its wording).
 */
export function requireGeoIndex(collection: Collection, { path, near }: NearClause): void {
  const kinds: GeoKind[] = near.metric === "meters" ? [GEO_SPHERE] : near.metric === "plane" ? [GEO_FLAT] : [GEO_FLAT, GEO_SPHERE];
  if (kinds.some((kind) => collection.geoIndexPaths(kind).includes(path))) return;
  throw new MongoServerFailure(
    291,
    "NoQueryExecutionPlans",
    `error processing query: ns=${collection.ns}Tree: GEONEAR  field=${path} maxdist=${Number.isFinite(near.max) ? near.max : "1.79769e+308"} isNearSphere=${near.operator === "$nearSphere" ? 1 : 0}\nSort: {}\nProj: {}\n planner returned error :: caused by :: unable to find index for $geoNear query`,
  );
}

/** Nearest first; each document's distance is measured once per query. */
export function byDistance({ path, near }: NearClause): (a: Document, b: Document) => number {
  const measured = new WeakMap<Document, number>();
  const distance = (doc: Document): number => {
    let d = measured.get(doc);
    if (d === undefined) {
      d = nearDistance(near, resolvePath(doc, path)) ?? Number.POSITIVE_INFINITY;
      measured.set(doc, d);
    }
    return d;
  };
  return (a, b) => distance(a) - distance(b);
}
