/**
 * `$near` and `$nearSphere`: which documents lie within `$minDistance`..`$maxDistance` of a
 * point, and how far each one is (a find answers them nearest first). The units follow the
 * query's form, as on mongod: a GeoJSON `$geometry` point measures meters on the sphere; a
 * legacy pair measures radians under `$nearSphere` and plane units under `$near`.
 */
import { badValue } from "../../errors.ts";
import { isNumeric, isPlainDocument } from "../bson-types.ts";
import { toNumber } from "../numeric.ts";
import { EARTH_RADIUS_METERS, legacyPair, planeDistance, readGeometry, type LngLat } from "./geometry.ts";
import { angleToGeometry } from "./distance.ts";
import { geometriesAt } from "./measure.ts";

export const NEAR_OPERATORS = ["$near", "$nearSphere"] as const;

export interface Near {
  readonly operator: "$near" | "$nearSphere";
  readonly center: LngLat;
  /** meters on the sphere, radians on the sphere, or plane units of the coordinates. */
  readonly metric: "meters" | "radians" | "plane";
  readonly min: number;
  readonly max: number;
}

function distanceBound(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (!isNumeric(value)) throw badValue(`${name} must be a number`);
  const n = toNumber(value);
  if (Number.isNaN(n) || n < 0) throw badValue(`${name} must be non-negative`);
  return n;
}

function geoJsonCenter(geometry: unknown): LngLat {
  const read = isPlainDocument(geometry) && geometry.type === "Point" ? readGeometry(geometry) : undefined;
  if (read === undefined || typeof read === "string") {
    throw badValue(`invalid point in geo near query $geometry argument: ${JSON.stringify(geometry)}${typeof read === "string" ? `  ${read}` : ""}`);
  }
  return read.points[0]!;
}

/** Parsed once per condition object (`{ $nearSphere: ..., $maxDistance: ... }`), not per document. */
const parsed = new WeakMap<object, Near>();

/** The near query of a field's condition, whose `$maxDistance`/`$minDistance` may sit inside the operand or beside it. */
export function readNear(operator: "$near" | "$nearSphere", condition: Record<string, unknown>): Near {
  const cached = parsed.get(condition);
  if (cached) return cached;
  const operand = condition[operator];
  let near: Near;
  if (isPlainDocument(operand) && "$geometry" in operand) {
    near = {
      operator,
      center: geoJsonCenter(operand.$geometry),
      metric: "meters",
      min: distanceBound("$minDistance", operand.$minDistance ?? condition.$minDistance, 0),
      max: distanceBound("$maxDistance", operand.$maxDistance ?? condition.$maxDistance, Number.POSITIVE_INFINITY),
    };
  } else {
    const pair = legacyPair(operand);
    if (!pair) throw badValue(`${operator} must be a point: a GeoJSON $geometry or a legacy coordinate pair`);
    near = {
      operator,
      center: { lng: pair[0], lat: pair[1] },
      metric: operator === "$nearSphere" ? "radians" : "plane",
      min: distanceBound("$minDistance", condition.$minDistance, 0),
      max: distanceBound("$maxDistance", condition.$maxDistance, Number.POSITIVE_INFINITY),
    };
  }
  parsed.set(condition, near);
  return near;
}

/** The geometry at these leaves nearest the query's point, and its distance; undefined when there is none. */
export function nearest(near: Near, leaves: readonly unknown[]): { distance: number; value: unknown } | undefined {
  let best: { distance: number; value: unknown } | undefined;
  for (const { value, geometry } of geometriesAt(leaves)) {
    // A 2d index holds legacy points only: plane distances are to points.
    const distance =
      near.metric === "plane" ? Math.min(...geometry.points.map((point) => planeDistance(near.center, point)))
      : near.metric === "radians" ? angleToGeometry(near.center, geometry)
      : angleToGeometry(near.center, geometry) * EARTH_RADIUS_METERS;
    if (best === undefined || distance < best.distance) best = { distance, value };
  }
  return best;
}

/** How far the nearest geometry at these leaves lies from the query's point; undefined when there is none. */
export function nearDistance(near: Near, leaves: readonly unknown[]): number | undefined {
  return nearest(near, leaves)?.distance;
}

/** Whether the leaves lie within the query's distance bounds. */
export function nearMatches(near: Near, leaves: readonly unknown[]): boolean {
  const d = nearDistance(near, leaves);
  return d !== undefined && d >= near.min && d <= near.max;
}
