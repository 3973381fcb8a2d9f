/**
 * `$geoWithin` (and its old name `$within`): whether a field's points lie inside a shape.
 * `$geometry` polygons have great-circle edges and `$centerSphere` a radius in radians, on the
 * sphere, and hold GeoJSON and legacy points alike; `$box`, `$center` and `$polygon` are flat
 * shapes over legacy coordinates, which GeoJSON points (on the sphere) never lie in, as on
 * mongod (it cannot project them onto the plane). No index is needed, as on mongod.
 */
import { badValue, MongoServerFailure } from "../../errors.ts";
import { isNumeric, isPlainDocument } from "../bson-types.ts";
import { toNumber } from "../numeric.ts";
import { angleBetween, insideSphericalPolygon, legacyPair, planeDistance, readGeometry, type LngLat } from "./geometry.ts";
import { geometriesAt } from "./measure.ts";

type PointTest = (point: LngLat) => boolean;

/** A shape's test, and whether it is flat (legacy points only). */
interface Shape {
  readonly flat: boolean;
  readonly contains: PointTest;
}

function pairOf(value: unknown, shape: string): LngLat {
  const pair = legacyPair(value);
  if (!pair) throw badValue(`${shape} needs coordinate pairs`);
  return { lng: pair[0], lat: pair[1] };
}

function circle(shape: string, operand: unknown): { center: LngLat; radius: number } {
  if (!Array.isArray(operand) || operand.length !== 2 || !isNumeric(operand[1])) throw badValue(`${shape} must be [ [ x, y ], radius ]`);
  const radius = toNumber(operand[1]);
  if (!(radius >= 0)) throw badValue(`${shape} radius must be a non-negative number`);
  return { center: pairOf(operand[0], shape), radius };
}

function polygonRings(geometry: Record<string, unknown>): LngLat[][][] {
  const read = readGeometry(geometry);
  if (typeof read === "string") throw badValue(`$geoWithin $geometry: ${read}`);
  const toRing = (ring: unknown): LngLat[] => (ring as unknown[]).map((p) => pairOf(p, "$geometry"));
  if (geometry.type === "Polygon") return [(geometry.coordinates as unknown[]).map(toRing)];
  if (geometry.type === "MultiPolygon") return (geometry.coordinates as unknown[][]).map((polygon) => polygon.map(toRing));
  throw badValue(`$geoWithin $geometry must be a Polygon or MultiPolygon, not ${String(geometry.type)}`);
}

function sphericalPolygon(rings: LngLat[][][]): PointTest {
  return (point) =>
    rings.some((polygon) => {
      const inside = insideSphericalPolygon(point, polygon);
      if (inside === undefined) throw new MongoServerFailure(115, "CommandNotSupported", "$geoWithin with a polygon larger than a hemisphere is not supported by this server");
      return inside;
    });
}

function flatPolygon(vertices: LngLat[]): PointTest {
  return (point) => {
    let inside = false;
    for (let i = 0, j = vertices.length - 1; i < vertices.length; j = i++) {
      const a = vertices[i]!;
      const b = vertices[j]!;
      if (a.lat > point.lat !== b.lat > point.lat && point.lng < a.lng + ((point.lat - a.lat) * (b.lng - a.lng)) / (b.lat - a.lat)) inside = !inside;
    }
    return inside;
  };
}

function shapeOf(operand: unknown): Shape {
  if (!isPlainDocument(operand)) throw badValue("$geoWithin needs a shape document");
  const [shape, value] = Object.entries(operand)[0] ?? [];
  switch (shape) {
    case "$geometry": {
      if (!isPlainDocument(value)) throw badValue("$geoWithin $geometry must be a GeoJSON object");
      return { flat: false, contains: sphericalPolygon(polygonRings(value)) };
    }
    case "$centerSphere": {
      const { center, radius } = circle(shape, value);
      return { flat: false, contains: (point) => angleBetween(center, point) <= radius };
    }
    case "$center": {
      const { center, radius } = circle(shape, value);
      return { flat: true, contains: (point) => planeDistance(center, point) <= radius };
    }
    case "$box": {
      if (!Array.isArray(value) || value.length !== 2) throw badValue("$box must be [ [ x1, y1 ], [ x2, y2 ] ]");
      const a = pairOf(value[0], shape);
      const b = pairOf(value[1], shape);
      return { flat: true, contains: (p) => p.lng >= Math.min(a.lng, b.lng) && p.lng <= Math.max(a.lng, b.lng) && p.lat >= Math.min(a.lat, b.lat) && p.lat <= Math.max(a.lat, b.lat) };
    }
    case "$polygon": {
      if (!Array.isArray(value) || value.length < 3) throw badValue("$polygon needs at least 3 points");
      return { flat: true, contains: flatPolygon(value.map((p) => pairOf(p, shape))) };
    }
    default:
      throw badValue(`unknown geo specifier: ${String(shape)}`);
  }
}

const compiled = new WeakMap<object, Shape>();

/** Whether every point of some geometry at these leaves lies inside the shape. */
export function withinMatches(operand: unknown, leaves: readonly unknown[]): boolean {
  let shape = isPlainDocument(operand) ? compiled.get(operand) : undefined;
  if (!shape) {
    shape = shapeOf(operand);
    compiled.set(operand as object, shape);
  }
  const { flat, contains } = shape;
  return geometriesAt(leaves, true).some(({ geometry }) => (!flat || geometry.form === "legacy") && geometry.points.every(contains));
}
