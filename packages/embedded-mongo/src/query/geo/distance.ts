/**
 * Spherical distance from a point to a whole geometry, as `$near` measures it on a 2dsphere
 * index: to the nearest of its points, to the nearest point of each line's great-circle arcs,
 * and 0 inside a polygon (else to its nearest edge). Angles are central angles in radians.
 */
import { angleBetween, insideSphericalPolygon, type Geometry, type LngLat } from "./geometry.ts";
import { cross, dot, length, unit, type Vector } from "./vectors.ts";

/** The angle from `p` to the great-circle arc from `a` to `b` (the shorter one). */
export function angleToArc(p: LngLat, a: LngLat, b: LngLat): number {
  const [P, A, B] = [unit(p), unit(a), unit(b)];
  const normal = cross(A, B);
  const size = length(normal);
  const ends = Math.min(angleBetween(p, a), angleBetween(p, b));
  if (size < 1e-15) return ends; // a and b coincide (or are antipodal): no one arc between them
  const n: Vector = [normal[0] / size, normal[1] / size, normal[2] / size];
  const off = dot(P, n); // sine of the angle from p to the arc's great circle
  const foot: Vector = [P[0] - off * n[0], P[1] - off * n[1], P[2] - off * n[2]];
  // The foot of the perpendicular lies on the arc when it is on the inner side of both ends.
  const onArc = dot(cross(A, foot), n) >= 0 && dot(cross(foot, B), n) >= 0;
  return onArc ? Math.atan2(Math.abs(off), length(foot)) : ends;
}

function angleToPath(p: LngLat, vertices: readonly LngLat[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < vertices.length; i += 1) best = Math.min(best, angleToArc(p, vertices[i - 1]!, vertices[i]!));
  return best;
}

function angleToPolygon(p: LngLat, rings: readonly (readonly LngLat[])[]): number {
  if (insideSphericalPolygon(p, rings) === true) return 0;
  return Math.min(...rings.map((ring) => angleToPath(p, ring)));
}

/** The angle from `p` to the nearest part of the geometry. */
export function angleToGeometry(p: LngLat, geometry: Geometry): number {
  let best = Number.POSITIVE_INFINITY;
  for (const point of geometry.points) best = Math.min(best, angleBetween(p, point));
  for (const line of geometry.lines) best = Math.min(best, angleToPath(p, line));
  for (const polygon of geometry.polygons) best = Math.min(best, angleToPolygon(p, polygon));
  return best;
}
