/**
 * Geometry as MongoDB reads it from documents and queries: GeoJSON objects (`{ type, coordinates }`,
 * longitude first) and legacy coordinate pairs (`[x, y]`, or a document whose first two values
 * are numbers). Distances are measured on a sphere of mongod's radius, 6,378,100 m.
 */
import { isNumeric, isPlainDocument } from "../bson-types.ts";
import { toNumber } from "../numeric.ts";

/** The earth radius mongod's spherical distances use (meters). */
export const EARTH_RADIUS_METERS = 6_378_100;

export interface LngLat {
  readonly lng: number;
  readonly lat: number;
}

/** A geometry read from a value; `points` are what distances are measured against. */
export interface Geometry {
  /** GeoJSON or a legacy pair (legacy values measure in radians under `$nearSphere`). */
  readonly form: "geojson" | "legacy";
  readonly type: string;
  /** The points of a Point or MultiPoint (or the legacy pair); empty for lines and polygons. */
  readonly points: readonly LngLat[];
}

/** Why a value is not a geometry mongod would index, in mongod's words; undefined when it is one. */
export type GeometryProblem = string;

const GEOJSON_TYPES = new Set(["Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"]);

/** A legacy pair's two numbers, if `value` is one: `[x, y, ...]` or `{ a: x, b: y, ... }`. */
export function legacyPair(value: unknown): [number, number] | undefined {
  const values = Array.isArray(value) ? value : isPlainDocument(value) && !("type" in value) ? Object.values(value) : undefined;
  if (!values || values.length < 2 || !isNumeric(values[0]) || !isNumeric(values[1])) return undefined;
  return [toNumber(values[0]), toNumber(values[1])];
}

function position(value: unknown): LngLat | GeometryProblem {
  if (!Array.isArray(value) || value.length < 2) return "Point must only contain numeric elements";
  if (!value.every(isNumeric)) return "Point must only contain numeric elements";
  const lng = toNumber(value[0]);
  const lat = toNumber(value[1]);
  return inBounds(lng, lat) ? { lng, lat } : `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`;
}

function inBounds(lng: number, lat: number): boolean {
  return lng >= -180 && lng <= 180 && lat >= -90 && lat <= 90;
}

function positions(value: unknown, what: string, atLeast: number): LngLat[] | GeometryProblem {
  if (!Array.isArray(value)) return `${what} coordinates must be an array`;
  const out: LngLat[] = [];
  for (const item of value) {
    const point = position(item);
    if (typeof point === "string") return point;
    out.push(point);
  }
  return out.length < atLeast ? `${what} must have at least ${atLeast} vertices` : out;
}

function ring(value: unknown): GeometryProblem | undefined {
  const vertices = positions(value, "Loop", 4);
  if (typeof vertices === "string") return vertices;
  const first = vertices[0]!;
  const last = vertices[vertices.length - 1]!;
  return first.lng === last.lng && first.lat === last.lat ? undefined : "Loop is not closed, first vertex does not equal last vertex";
}

function everyItem(value: unknown, what: string, check: (item: unknown) => GeometryProblem | undefined): GeometryProblem | undefined {
  if (!Array.isArray(value)) return `${what} must be an array`;
  for (const item of value) {
    const problem = check(item);
    if (problem) return problem;
  }
  return undefined;
}

/** Checks a GeoJSON object's coordinates for its type; answers its points (Point, MultiPoint). */
function geoJson(value: Record<string, unknown>): Geometry | GeometryProblem {
  const type = value.type;
  if (typeof type !== "string" || !GEOJSON_TYPES.has(type)) return `unknown GeoJSON type: ${JSON.stringify(value)}`;
  const coordinates = value.coordinates;
  switch (type) {
    case "Point": {
      const point = position(coordinates);
      return typeof point === "string" ? point : { form: "geojson", type, points: [point] };
    }
    case "MultiPoint": {
      const points = positions(coordinates, "MultiPoint", 1);
      return typeof points === "string" ? points : { form: "geojson", type, points };
    }
    case "LineString": {
      const line = positions(coordinates, "LineString", 2);
      return typeof line === "string" ? line : { form: "geojson", type, points: [] };
    }
    case "MultiLineString":
      return everyItem(coordinates, type, (line) => { const l = positions(line, "LineString", 2); return typeof l === "string" ? l : undefined; }) ?? { form: "geojson", type, points: [] };
    case "Polygon":
      return everyItem(coordinates, type, ring) ?? { form: "geojson", type, points: [] };
    case "MultiPolygon":
      return everyItem(coordinates, type, (polygon) => everyItem(polygon, "Polygon", ring)) ?? { form: "geojson", type, points: [] };
    default: // GeometryCollection
      return everyItem(value.geometries, "GeometryCollection geometries", (item) => {
        const inner = isPlainDocument(item) ? geoJson(item) : "GeometryCollection geometries must be objects";
        return typeof inner === "string" ? inner : undefined;
      }) ?? { form: "geojson", type, points: [] };
  }
}

/** One value read as a geometry (a GeoJSON object or a legacy pair), or why it is not one. */
export function readGeometry(value: unknown): Geometry | GeometryProblem {
  if (isPlainDocument(value) && "type" in value) return geoJson(value);
  const pair = legacyPair(value);
  if (!pair) return `Point must be an array or object, instead got type ${Array.isArray(value) ? "array" : typeof value}`;
  const [lng, lat] = pair;
  return inBounds(lng, lat) ? { form: "legacy", type: "Point", points: [{ lng, lat }] } : `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`;
}

/**
 * The values a field holds as geometries: a legacy pair is one value though it is an array;
 * any other array holds one geometry per element (a multikey geo field).
 */
export function geometryValues(leaf: unknown): unknown[] {
  if (leaf === null || leaf === undefined) return [];
  if (Array.isArray(leaf) && legacyPair(leaf) === undefined) return leaf;
  return [leaf];
}

const toRadians = (degrees: number): number => (degrees * Math.PI) / 180;

/** The central angle between two points (radians), by the haversine formula. */
export function angleBetween(a: LngLat, b: LngLat): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLng = toRadians(b.lng - a.lng);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * Math.atan2(Math.sqrt(h), Math.sqrt(Math.max(0, 1 - h)));
}

/** The straight-line distance in the plane of the coordinates (legacy `$near`, `$center`). */
export function planeDistance(a: LngLat, b: LngLat): number {
  return Math.hypot(b.lng - a.lng, b.lat - a.lat);
}

/**
 * Whether `point` lies inside a polygon whose edges are great-circle arcs (GeoJSON's meaning on
 * the sphere): the polygon is projected gnomonically onto the plane tangent at `point`, which
 * maps great circles to straight lines, and tested by ray casting there. Vertices must lie in
 * the hemisphere around `point` (undefined otherwise: the caller decides).
 */
export function insideSphericalPolygon(point: LngLat, rings: readonly (readonly LngLat[])[]): boolean | undefined {
  const projected: Array<Array<[number, number]>> = [];
  for (const vertices of rings) {
    const plane: Array<[number, number]> = [];
    for (const vertex of vertices) {
      const p = gnomonic(point, vertex);
      if (!p) return undefined;
      plane.push(p);
    }
    projected.push(plane);
  }
  // Inside the outer ring and outside every hole: ray casting over all rings counts both.
  return projected.reduce((inside, plane) => (crossesOddly(plane) ? !inside : inside), false);
}

function gnomonic(center: LngLat, vertex: LngLat): [number, number] | undefined {
  const φ0 = toRadians(center.lat);
  const φ = toRadians(vertex.lat);
  const Δλ = toRadians(vertex.lng - center.lng);
  const cosC = Math.sin(φ0) * Math.sin(φ) + Math.cos(φ0) * Math.cos(φ) * Math.cos(Δλ);
  if (cosC <= 1e-12) return undefined;
  return [(Math.cos(φ) * Math.sin(Δλ)) / cosC, (Math.cos(φ0) * Math.sin(φ) - Math.sin(φ0) * Math.cos(φ) * Math.cos(Δλ)) / cosC];
}

/** Ray casting from the origin along +x: whether the closed ring crosses the ray an odd number of times. */
function crossesOddly(ring: ReadonlyArray<[number, number]>): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > 0 !== yj > 0 && xi - (yi * (xj - xi)) / (yj - yi) > 0) inside = !inside;
  }
  return inside;
}
