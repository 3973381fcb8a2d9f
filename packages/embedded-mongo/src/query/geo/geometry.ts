/**
 * Geometry as MongoDB reads it from documents and queries: GeoJSON objects (`{ type, coordinates }`,
 * longitude first) and legacy coordinate pairs (`[x, y]`, or a document whose first two values
 * are numbers). Distances are measured on a sphere of mongod's radius, 6,378,100 m.
 */
import { isNumeric, isPlainDocument } from "../bson-types.ts";
import { toNumber } from "../numeric.ts";
import { length, unit, type Vector } from "./vectors.ts";

/** The earth radius mongod's spherical distances use (meters). */
export const EARTH_RADIUS_METERS = 6_378_100;

export interface LngLat {
  readonly lng: number;
  readonly lat: number;
}

/** A geometry read from a value: the points, lines and polygons distances are measured against. */
export interface Geometry {
  /** GeoJSON or a legacy pair (legacy values measure in radians under `$nearSphere`). */
  readonly form: "geojson" | "legacy";
  readonly type: string;
  /** Points (Point, MultiPoint, a legacy pair). */
  readonly points: readonly LngLat[];
  /** Lines, as their vertices (LineString, MultiLineString). */
  readonly lines: readonly (readonly LngLat[])[];
  /** Polygons, as their rings (outer first, then holes), each ring closed. */
  readonly polygons: readonly (readonly (readonly LngLat[])[])[];
}

/** Why a value is not a geometry mongod would index, in mongod's words. */
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

function ring(value: unknown): LngLat[] | GeometryProblem {
  const vertices = positions(value, "Loop", 4);
  if (typeof vertices === "string") return vertices;
  const first = vertices[0]!;
  const last = vertices[vertices.length - 1]!;
  return first.lng === last.lng && first.lat === last.lat ? vertices : "Loop is not closed, first vertex does not equal last vertex";
}

/** Each item read, or the first problem met. */
function eachOf<T>(value: unknown, what: string, read: (item: unknown) => T | GeometryProblem): T[] | GeometryProblem {
  if (!Array.isArray(value)) return `${what} must be an array`;
  const out: T[] = [];
  for (const item of value) {
    const parsed = read(item);
    if (typeof parsed === "string") return parsed;
    out.push(parsed);
  }
  return out;
}

const polygonOf = (value: unknown): LngLat[][] | GeometryProblem => eachOf(value, "Polygon", ring);
const lineOf = (value: unknown): LngLat[] | GeometryProblem => positions(value, "LineString", 2);

function geoJsonGeometry(type: string, parts: Partial<Pick<Geometry, "points" | "lines" | "polygons">>): Geometry {
  return { form: "geojson", type, points: parts.points ?? [], lines: parts.lines ?? [], polygons: parts.polygons ?? [] };
}

/** Lifts a part's reading into a geometry, or passes its problem on. */
function build<T>(read: T | GeometryProblem, make: (parts: T) => Geometry): Geometry | GeometryProblem {
  return typeof read === "string" ? read : make(read);
}

/** Checks a GeoJSON object's coordinates for its type, and reads its points, lines and polygons. */
function geoJson(value: Record<string, unknown>): Geometry | GeometryProblem {
  const type = value.type;
  if (typeof type !== "string" || !GEOJSON_TYPES.has(type)) return `unknown GeoJSON type: ${JSON.stringify(value)}`;
  const coordinates = value.coordinates;
  switch (type) {
    case "Point": return build(position(coordinates), (point) => geoJsonGeometry(type, { points: [point] }));
    case "MultiPoint": return build(positions(coordinates, type, 1), (points) => geoJsonGeometry(type, { points }));
    case "LineString": return build(lineOf(coordinates), (line) => geoJsonGeometry(type, { lines: [line] }));
    case "MultiLineString": return build(eachOf(coordinates, type, lineOf), (lines) => geoJsonGeometry(type, { lines }));
    case "Polygon": return build(polygonOf(coordinates), (polygon) => geoJsonGeometry(type, { polygons: [polygon] }));
    case "MultiPolygon": return build(eachOf(coordinates, type, polygonOf), (polygons) => geoJsonGeometry(type, { polygons }));
    default: // GeometryCollection
      return build(
        eachOf(value.geometries, "GeometryCollection geometries", (item) => (isPlainDocument(item) ? geoJson(item) : "GeometryCollection geometries must be objects")),
        (parts) => geoJsonGeometry(type, { points: parts.flatMap((g) => g.points), lines: parts.flatMap((g) => g.lines), polygons: parts.flatMap((g) => g.polygons) }),
      );
  }
}

/** One value read as a geometry (a GeoJSON object or a legacy pair), or why it is not one. */
export function readGeometry(value: unknown): Geometry | GeometryProblem {
  if (isPlainDocument(value) && "type" in value) return geoJson(value);
  const pair = legacyPair(value);
  if (!pair) return `Point must be an array or object, instead got type ${Array.isArray(value) ? "array" : typeof value}`;
  const [lng, lat] = pair;
  return inBounds(lng, lat) ? { form: "legacy", type: "Point", points: [{ lng, lat }], lines: [], polygons: [] } : `longitude/latitude is out of bounds, lng: ${lng} lat: ${lat}`;
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
 * the sphere). The polygon and the point are projected gnomonically onto the plane tangent at
 * the polygon's centre (its vertices' mean direction), which maps great circles to straight
 * lines, and tested by ray casting there. A point 90 degrees or more from the centre is outside;
 * undefined when a vertex is (a polygon larger than a hemisphere, which mongod reads otherwise).
 */
export function insideSphericalPolygon(point: LngLat, rings: readonly (readonly LngLat[])[]): boolean | undefined {
  const outer = rings[0];
  if (!outer || outer.length === 0) return false;
  const center = meanDirection(outer);
  if (!center) return undefined;
  const projected: Array<Array<[number, number]>> = [];
  for (const vertices of rings) {
    const plane: Array<[number, number]> = [];
    for (const vertex of vertices) {
      const p = gnomonic(center, vertex);
      if (!p) return undefined;
      plane.push(p);
    }
    projected.push(plane);
  }
  const at = gnomonic(center, point);
  if (!at) return false;
  // Inside the outer ring and outside every hole: ray casting over all rings counts both.
  return projected.reduce((inside, plane) => (crossesOddly(plane, at) ? !inside : inside), false);
}

/** The normalised sum of the vertices' unit vectors, as a point; undefined when they cancel out. */
function meanDirection(vertices: readonly LngLat[]): LngLat | undefined {
  // The first vertex repeats as the last: counted once.
  const sum = vertices.slice(1).map(unit).reduce((a, b): Vector => [a[0] + b[0], a[1] + b[1], a[2] + b[2]], [0, 0, 0]);
  const size = length(sum);
  if (size < 1e-12) return undefined;
  return { lng: (Math.atan2(sum[1], sum[0]) * 180) / Math.PI, lat: (Math.asin(sum[2] / size) * 180) / Math.PI };
}

function gnomonic(center: LngLat, vertex: LngLat): [number, number] | undefined {
  const φ0 = toRadians(center.lat);
  const φ = toRadians(vertex.lat);
  const Δλ = toRadians(vertex.lng - center.lng);
  const cosC = Math.sin(φ0) * Math.sin(φ) + Math.cos(φ0) * Math.cos(φ) * Math.cos(Δλ);
  if (cosC <= 1e-12) return undefined;
  return [(Math.cos(φ) * Math.sin(Δλ)) / cosC, (Math.cos(φ0) * Math.sin(φ) - Math.sin(φ0) * Math.cos(φ) * Math.cos(Δλ)) / cosC];
}

/** Ray casting from `from` along +x: whether the closed ring crosses the ray an odd number of times. */
function crossesOddly(ring: ReadonlyArray<[number, number]>, [px, py]: [number, number]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > py !== yj > py && xi + ((py - yi) * (xj - xi)) / (yj - yi) > px) inside = !inside;
  }
  return inside;
}
