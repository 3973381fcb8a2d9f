/**
 * What geo indexes ask of the documents they hold, absent or null values aside (they are
 * sparse on their geo fields):
 * - a 2dsphere index: GeoJSON geometries or legacy coordinate pairs within longitude/latitude
 *   bounds, else 16755 "Can't extract geo keys";
 * - a 2d index: legacy coordinate pairs (13026) within its `[min, max)` range (13027).
 * A write that breaks this is refused as mongod refuses it, and so is an index built over such
 * a document.
 */
import type { Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import { isNumeric } from "../query/bson-types.ts";
import { toNumber } from "../query/numeric.ts";
import { geometryValues, legacyPair, readGeometry } from "../query/geo/geometry.ts";
import { resolvePath, MISSING } from "../query/path.ts";
import { shellFormat } from "./duplicate-key.ts";
import type { IndexSpec } from "./sorted-index.ts";

export const GEO_SPHERE = "2dsphere";
export const GEO_FLAT = "2d";
export type GeoKind = typeof GEO_SPHERE | typeof GEO_FLAT;
/** A 2d index's options: precision (accepted, of no effect here: every candidate is measured) and its coordinate range. */
export const FLAT_OPTIONS = ["bits", "min", "max"] as const;
const VERSIONS = [1, 2, 3];

const cannotCreate = (message: string): MongoServerFailure => new MongoServerFailure(67, "CannotCreateIndex", message);

/** The fields an index keys as geometries of this kind. */
export function geoPaths(spec: IndexSpec, kind: GeoKind = GEO_SPHERE): string[] {
  return Object.entries(spec.key).filter(([, value]) => value === kind).map(([path]) => path);
}

function readSphereVersion(spec: IndexSpec): void {
  const asked = spec["2dsphereIndexVersion"];
  const version = asked === undefined ? 3 : toNumber(asked);
  if (!VERSIONS.includes(version)) {
    throw cannotCreate(`unsupported geo index version { 2dsphereIndexVersion : ${String(asked)} }, only support versions: [${VERSIONS.join(",")}]`);
  }
  spec["2dsphereIndexVersion"] = version;
}

function readFlatOptions(spec: IndexSpec): void {
  const paths = geoPaths(spec, GEO_FLAT);
  if (paths.length > 1) throw cannotCreate("can't have 2 geo fields");
  if (Object.keys(spec.key)[0] !== paths[0]) throw cannotCreate("2d has to be first in index");
  for (const option of FLAT_OPTIONS) {
    if (spec[option] !== undefined && !isNumeric(spec[option])) throw cannotCreate(`${option} must be a number`);
  }
  const bits = spec.bits === undefined ? 26 : toNumber(spec.bits);
  if (!(bits >= 1 && bits <= 32)) throw cannotCreate("bits in geo index must be between 1 and 32");
  if (!(flatRange(spec).min < flatRange(spec).max)) throw cannotCreate("region for hashing must be valid");
}

/** Checks a geo index's options as mongod does (a 2dsphere index gets its version field, 3 unless asked). */
export function readGeoOptions(spec: IndexSpec): void {
  if (geoPaths(spec, GEO_SPHERE).length > 0) readSphereVersion(spec);
  if (geoPaths(spec, GEO_FLAT).length > 0) readFlatOptions(spec);
  else {
    const stray = FLAT_OPTIONS.find((option) => spec[option] !== undefined);
    if (stray) throw new MongoServerFailure(197, "InvalidIndexSpecificationOption", `The field '${stray}' is only valid for a 2d index`);
  }
}

/** A 2d index's coordinate range, `[min, max)`. */
export function flatRange(spec: IndexSpec): { min: number; max: number } {
  return { min: spec.min === undefined ? -180 : toNumber(spec.min), max: spec.max === undefined ? 180 : toNumber(spec.max) };
}

function checkSphere(doc: Document, value: unknown): void {
  const geometry = readGeometry(value);
  if (typeof geometry === "string") throw new MongoServerFailure(16755, "Location16755", `Can't extract geo keys: ${shellFormat(doc)}  ${geometry}`);
}

function checkFlat(doc: Document, value: unknown, { min, max }: { min: number; max: number }): void {
  const pair = legacyPair(value);
  if (!pair) {
    throw new MongoServerFailure(13026, "Location13026", "geo values must be 'legacy coordinate pairs' for 2d indexes");
  }
  if (pair.some((n) => !(n >= min && n < max))) {
    throw new MongoServerFailure(13027, "Location13027", `point not in interval of [ ${min}, ${max} ) :: caused by :: ${shellFormat(doc)}`);
  }
}

/** Refuses a document whose geo fields hold what the index's kind does not take. */
export function checkGeoKeys(doc: Document, spec: IndexSpec): void {
  const range = flatRange(spec);
  for (const [path, kind] of Object.entries(spec.key)) {
    if (kind !== GEO_SPHERE && kind !== GEO_FLAT) continue;
    for (const leaf of resolvePath(doc, path)) {
      if (leaf === MISSING) continue;
      for (const value of geometryValues(leaf)) {
        if (kind === GEO_SPHERE) checkSphere(doc, value);
        else checkFlat(doc, value, range);
      }
    }
  }
}
