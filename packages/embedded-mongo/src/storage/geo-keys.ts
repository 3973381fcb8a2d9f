/**
 * What a 2dsphere index asks of the documents it holds: each value at its geo fields must be a
 * GeoJSON geometry or a legacy coordinate pair within bounds, or absent/null (a 2dsphere index,
 * version 2 and later, is sparse on them). A write that breaks this is refused as mongod refuses
 * it (16755 "Can't extract geo keys"), and so is an index built over such a document.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { toNumber } from "../query/numeric.ts";
import { geometryValues, readGeometry } from "../query/geo/geometry.ts";
import { resolvePath, MISSING } from "../query/path.ts";
import { shellFormat } from "./duplicate-key.ts";
import type { IndexSpec } from "./sorted-index.ts";

export const GEO_SPHERE = "2dsphere";
const VERSIONS = [1, 2, 3];

/** The fields an index keys as geometries on the sphere. */
export function geoPaths(spec: IndexSpec): string[] {
  return Object.entries(spec.key).filter(([, kind]) => kind === GEO_SPHERE).map(([path]) => path);
}

/** Gives a 2dsphere index mongod's version field (3 unless asked otherwise), refusing one it does not know. */
export function readGeoOptions(spec: IndexSpec): void {
  if (geoPaths(spec).length === 0) return;
  const asked = spec["2dsphereIndexVersion"];
  const version = asked === undefined ? 3 : toNumber(asked);
  if (!VERSIONS.includes(version)) {
    throw new MongoServerFailure(67, "CannotCreateIndex", `unsupported geo index version { 2dsphereIndexVersion : ${String(asked)} }, only support versions: [${VERSIONS.join(",")}]`);
  }
  spec["2dsphereIndexVersion"] = version;
}

/** Refuses a document whose geo fields hold something that is not a geometry. */
export function checkGeoKeys(doc: Document, paths: readonly string[]): void {
  for (const path of paths) {
    for (const leaf of resolvePath(doc, path)) {
      if (leaf === MISSING) continue;
      for (const value of geometryValues(leaf)) {
        const geometry = readGeometry(value);
        if (typeof geometry === "string") {
          throw new MongoServerFailure(16755, "Location16755", `Can't extract geo keys: ${shellFormat(doc)}  ${geometry}`);
        }
      }
    }
  }
}
