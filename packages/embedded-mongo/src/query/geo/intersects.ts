/**
 * `$geoIntersects`: whether a stored geometry shares any point with the query's GeoJSON
 * geometry, on the sphere with great-circle edges, as on mongod. Two geometries intersect when
 * a point of one lies on the other (on a point, on a line's arc, inside a polygon) or an arc of
 * one crosses an arc of the other.
 */
import { badValue } from "../../errors.ts";
import { isPlainDocument } from "../bson-types.ts";
import { angleToArc } from "./distance.ts";
import { insideSphericalPolygon, readGeometry, type Geometry, type LngLat } from "./geometry.ts";
import { geometriesAt } from "./measure.ts";
import { cross, dot, length, unit, type Vector } from "./vectors.ts";

/** Within this angle (under a micrometre on the earth) a point is on an arc. */
const ON = 1e-13;

/** Whether unit vector `x`, on the great circle of the arc from `a` to `b`, lies within the arc. */
function within(x: Vector, a: Vector, b: Vector): boolean {
  const n = cross(a, b);
  return dot(cross(a, x), n) >= -ON && dot(cross(x, b), n) >= -ON && dot(x, a) + dot(x, b) > 0;
}

/** Whether the arcs from `a` to `b` and from `c` to `d` share a point. */
function arcsMeet(a: LngLat, b: LngLat, c: LngLat, d: LngLat): boolean {
  if (angleToArc(a, c, d) < ON || angleToArc(b, c, d) < ON || angleToArc(c, a, b) < ON || angleToArc(d, a, b) < ON) return true;
  const [A, B, C, D] = [unit(a), unit(b), unit(c), unit(d)];
  const line = cross(cross(A, B), cross(C, D));
  const size = length(line);
  if (size < ON) return false; // one great circle: they meet only at an end, tested above
  const x: Vector = [line[0] / size, line[1] / size, line[2] / size];
  const y: Vector = [-x[0], -x[1], -x[2]];
  return [x, y].some((p) => within(p, A, B) && within(p, C, D));
}

/** The arcs of a geometry's lines and polygon rings, as pairs of ends. */
function arcs(geometry: Geometry): Array<[LngLat, LngLat]> {
  const paths = [...geometry.lines, ...geometry.polygons.flat()];
  return paths.flatMap((path) => path.slice(1).map((end, i): [LngLat, LngLat] => [path[i]!, end]));
}

/** The vertices a geometry has (its points, and its lines' and rings' vertices). */
function vertices(geometry: Geometry): LngLat[] {
  return [...geometry.points, ...geometry.lines.flat(), ...geometry.polygons.flat(2)];
}

/** Whether a point lies on a geometry: on one of its points or arcs, or inside one of its polygons. */
function pointOn(p: LngLat, geometry: Geometry): boolean {
  if (geometry.points.some((q) => angleToArc(p, q, q) < ON)) return true;
  if (arcs(geometry).some(([a, b]) => angleToArc(p, a, b) < ON)) return true;
  return geometry.polygons.some((polygon) => insideSphericalPolygon(p, polygon) === true);
}

export function geometriesIntersect(a: Geometry, b: Geometry): boolean {
  if (vertices(a).some((p) => pointOn(p, b)) || vertices(b).some((p) => pointOn(p, a))) return true;
  const arcsOfB = arcs(b);
  return arcs(a).some(([p, q]) => arcsOfB.some(([r, s]) => arcsMeet(p, q, r, s)));
}

const compiled = new WeakMap<object, Geometry>();

function queryGeometry(operand: unknown): Geometry {
  const cached = isPlainDocument(operand) ? compiled.get(operand) : undefined;
  if (cached) return cached;
  if (!isPlainDocument(operand) || !isPlainDocument(operand.$geometry)) throw badValue("$geoIntersects requires a $geometry GeoJSON object");
  const geometry = readGeometry(operand.$geometry);
  if (typeof geometry === "string") throw badValue(`$geoIntersects $geometry: ${geometry}`);
  if (geometry.form !== "geojson") throw badValue("$geoIntersects $geometry must be GeoJSON");
  compiled.set(operand, geometry);
  return geometry;
}

/** Whether some geometry at these leaves intersects the query's. */
export function intersectsMatches(operand: unknown, leaves: readonly unknown[]): boolean {
  const query = queryGeometry(operand);
  return geometriesAt(leaves).some(({ geometry }) => geometriesIntersect(query, geometry));
}
