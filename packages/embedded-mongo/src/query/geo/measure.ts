/**
 * The geometries a document's field holds, as geo queries read them. `$near` and
 * `$geoIntersects` take points, lines and polygons; `$geoWithin` here tests points only: one
 * that meets a stored line or polygon is refused rather than answered by its vertices alone.
 */
import { MongoServerFailure } from "../../errors.ts";
import { geometryValues, readGeometry, type Geometry } from "./geometry.ts";

/** A geometry found in a document, with the value it was read from (what `$geoNear`'s `includeLocs` shows). */
export interface Located {
  readonly value: unknown;
  readonly geometry: Geometry;
}

/** Every geometry at the field's leaves; values that are not geometries are skipped (a geo index admits none). */
export function geometriesAt(leaves: readonly unknown[], pointsOnly = false): Located[] {
  const out: Located[] = [];
  for (const leaf of leaves) {
    for (const value of geometryValues(leaf)) {
      const geometry = readGeometry(value);
      if (typeof geometry === "string") continue;
      if (pointsOnly && (geometry.lines.length > 0 || geometry.polygons.length > 0)) {
        throw new MongoServerFailure(115, "CommandNotSupported", `this server answers $geoWithin on points only, and met a ${geometry.type}`);
      }
      out.push({ value, geometry });
    }
  }
  return out;
}
