/**
 * The points a document's field holds, as geo queries measure them. Lines and polygons in
 * documents are indexed (a 2dsphere index accepts them) but this server measures only points:
 * a query that meets one is refused rather than answered wrongly.
 */
import { MongoServerFailure } from "../../errors.ts";
import { geometryValues, readGeometry, type Geometry } from "./geometry.ts";

/** A geometry found in a document, with the value it was read from (what `$geoNear`'s `includeLocs` shows). */
export interface Located {
  readonly value: unknown;
  readonly geometry: Geometry;
}

/** Every geometry at the field's leaves; values that are not geometries are skipped (a geo index admits none). */
export function geometriesAt(leaves: readonly unknown[]): Located[] {
  const out: Located[] = [];
  for (const leaf of leaves) {
    for (const value of geometryValues(leaf)) {
      const geometry = readGeometry(value);
      if (typeof geometry === "string") continue;
      if (geometry.points.length === 0) {
        throw new MongoServerFailure(115, "CommandNotSupported", `this server answers geo queries on points only, and met a ${geometry.type}`);
      }
      out.push({ value, geometry });
    }
  }
  return out;
}
