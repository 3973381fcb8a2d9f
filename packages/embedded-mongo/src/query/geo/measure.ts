/**
 * The points a document's field holds, as geo queries measure them. Lines and polygons in
 * documents are indexed (a 2dsphere index accepts them) but this server measures only points:
 * a query that meets one is refused rather than answered wrongly.
 */
import { MongoServerFailure } from "../../errors.ts";
import { geometryValues, readGeometry, type Geometry } from "./geometry.ts";

/** Every geometry at the field's leaves; values that are not geometries are skipped, as an index skips nothing it holds. */
export function geometriesAt(leaves: readonly unknown[]): Geometry[] {
  const out: Geometry[] = [];
  for (const leaf of leaves) {
    for (const value of geometryValues(leaf)) {
      const geometry = readGeometry(value);
      if (typeof geometry === "string") continue;
      if (geometry.points.length === 0) {
        throw new MongoServerFailure(115, "CommandNotSupported", `this server answers geo queries on points only, and met a ${geometry.type}`);
      }
      out.push(geometry);
    }
  }
  return out;
}
