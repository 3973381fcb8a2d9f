import { describe, expect, it } from "vitest";
import type { Collection, Document, Filter } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

/** mongod's earth radius for spherical distances (meters). */
const EARTH_RADIUS = 6_378_100;
type Position = [number, number];

/** The central angle between two [lng, lat] positions, by the Vincenty formula (a reference independent of the server's haversine). */
function angle([lng1, lat1]: Position, [lng2, lat2]: Position): number {
  const rad = Math.PI / 180;
  const [φ1, φ2, Δλ] = [lat1 * rad, lat2 * rad, (lng2 - lng1) * rad];
  const y = Math.hypot(Math.cos(φ2) * Math.sin(Δλ), Math.cos(φ1) * Math.sin(φ2) - Math.sin(φ1) * Math.cos(φ2) * Math.cos(Δλ));
  const x = Math.sin(φ1) * Math.sin(φ2) + Math.cos(φ1) * Math.cos(φ2) * Math.cos(Δλ);
  return Math.atan2(y, x);
}
const meters = (a: Position, b: Position): number => angle(a, b) * EARTH_RADIUS;

/** Documents keyed by strings or numbers, holding whatever a test puts in them. */
type GeoDoc = { _id: string | number; [field: string]: unknown };

const point = (coordinates: Position) => ({ type: "Point" as const, coordinates });

const CENTER: Position = [-71.0589, 42.3601];
/** Places around the center, listed out of distance order. */
const PLACES: Array<{ _id: string; at: Position }> = [
  { _id: "far", at: [-72.0, 43.0] },
  { _id: "north", at: [-71.0589, 42.3701] },
  { _id: "suburb", at: [-71.1, 42.4] },
  { _id: "here", at: CENTER },
  { _id: "east", at: [-71.04, 42.3601] },
];
const byNearness = [...PLACES].sort((a, b) => meters(CENTER, a.at) - meters(CENTER, b.at)).map((p) => p._id);
const distanceTo = (id: string): number => meters(CENTER, PLACES.find((p) => p._id === id)!.at);

describe("geospatial queries", () => {
  const t = useTestDatabase();
  let n = 0;
  const fresh = () => t.db.collection<GeoDoc>(`geo${(n += 1)}`);

  async function places(): Promise<Collection<GeoDoc>> {
    const c = fresh();
    await c.createIndex({ loc: "2dsphere" });
    await c.insertMany(PLACES.map(({ _id, at }) => ({ _id, loc: point(at) })));
    return c;
  }
  const ids = (docs: Document[]) => docs.map((d) => d._id as string);

  it("a 2dsphere index is named after its key and listed with mongod's version field", async () => {
    const c = fresh();
    expect(await c.createIndex({ homeLocation: "2dsphere" })).toBe("homeLocation_2dsphere");
    const listed = (await c.listIndexes().toArray()).find((i) => i.name === "homeLocation_2dsphere");
    expect(listed).toMatchObject({ v: 2, key: { homeLocation: "2dsphere" }, "2dsphereIndexVersion": 3 });
    // Asking again for the same index is no error, as for any index.
    await c.createIndex({ homeLocation: "2dsphere" });
  });

  it("$nearSphere with a GeoJSON point answers the documents within $maxDistance meters, nearest first", async () => {
    const c = await places();
    const all = await c.find({ loc: { $nearSphere: { $geometry: point(CENTER) } } }).toArray();
    expect(ids(all)).toEqual(byNearness);
    const within = await c.find({ loc: { $nearSphere: { $geometry: point(CENTER), $maxDistance: 10_000 } } }).toArray();
    expect(ids(within)).toEqual(byNearness.filter((id) => distanceTo(id) <= 10_000));
    expect(ids(within)).not.toContain("far");
  });

  it("$maxDistance is measured on a sphere of 6,378,100 m: half a meter either side of a document's distance decides", async () => {
    const c = await places();
    const d = distanceTo("suburb");
    const upTo = async (max: number) => ids(await c.find({ loc: { $nearSphere: { $geometry: point(CENTER), $maxDistance: max } } }).toArray());
    expect(await upTo(d + 0.5)).toContain("suburb");
    expect(await upTo(d - 0.5)).not.toContain("suburb");
  });

  it("$minDistance leaves out the nearest; $near with $geometry measures meters as $nearSphere does", async () => {
    const c = await places();
    const ring = await c.find({ loc: { $near: { $geometry: point(CENTER), $minDistance: 1_200, $maxDistance: 10_000 } } }).toArray();
    expect(ids(ring)).toEqual(byNearness.filter((id) => distanceTo(id) >= 1_200 && distanceTo(id) <= 10_000));
    expect(ids(ring)).not.toContain("north"); // about 1,113 m away
  });

  it("$nearSphere with a legacy pair measures radians", async () => {
    const c = await places();
    const radians = angle(CENTER, PLACES.find((p) => p._id === "suburb")!.at);
    const near = await c.find({ loc: { $nearSphere: CENTER, $maxDistance: radians + 1e-7 } }).toArray();
    expect(ids(near)).toEqual(byNearness.filter((id) => distanceTo(id) <= distanceTo("suburb")));
    const nearer = await c.find({ loc: { $nearSphere: CENTER, $maxDistance: radians - 1e-7 } }).toArray();
    expect(ids(nearer)).not.toContain("suburb");
  });

  it("a limit takes the nearest, other conditions still filter, and an explicit sort overrides the distance order", async () => {
    const c = await places();
    const nearest = await c.find({ loc: { $nearSphere: { $geometry: point(CENTER) } } }).limit(2).toArray();
    expect(ids(nearest)).toEqual(byNearness.slice(0, 2));
    const others = await c.find({ _id: { $in: ["far", "east", "suburb"] }, loc: { $nearSphere: { $geometry: point(CENTER) } } }).toArray();
    expect(ids(others)).toEqual(byNearness.filter((id) => ["far", "east", "suburb"].includes(id)));
    const sorted = await c.find({ loc: { $nearSphere: { $geometry: point(CENTER) } } }).sort({ _id: 1 }).toArray();
    expect(ids(sorted)).toEqual([...byNearness].sort());
  });

  it("a document holding several points is ranked once, by its nearest", async () => {
    const c = fresh();
    await c.createIndex({ stops: "2dsphere" });
    await c.insertMany([
      { _id: "route", stops: [point([-72.0, 43.0]), point([-71.0589, 42.3701])] },
      { _id: "single", stops: point([-71.04, 42.3601]) },
    ]);
    const found = await c.find({ stops: { $nearSphere: { $geometry: point(CENTER) } } }).toArray();
    expect(ids(found)).toEqual(["route", "single"]);
  });

  it("$near measures stored lines and polygons to their nearest part: 0 inside a polygon, along the perpendicular to a line's arc", async () => {
    const c = fresh();
    await c.createIndex({ shape: "2dsphere" });
    const square = (w: number, s: number, e: number, n: number) => ({ type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
    await c.insertMany([
      { _id: "meridian-edged square", shape: square(2, -1, 3, 1) },
      { _id: "point", shape: point([0, 1.5]) },
      { _id: "line", shape: { type: "LineString", coordinates: [[-1, 1], [1, 1]] } },
      { _id: "around the center", shape: square(-1, -1, 1, 0.5) },
    ]);
    const found = await c.aggregate([{ $geoNear: { near: point([0, 0]), distanceField: "d" } }]).toArray();
    expect(ids(found)).toEqual(["around the center", "line", "point", "meridian-edged square"]);
    const degree = (Math.PI / 180) * EARTH_RADIUS;
    // The arc between (-1, 1) and (1, 1) bows north of latitude 1 at longitude 0: atan(tan 1 / cos 1) degrees.
    const arcLatitude = (Math.atan(Math.tan(Math.PI / 180) / Math.cos(Math.PI / 180)) * 180) / Math.PI;
    expect(found.map((doc) => doc.d)).toEqual([0, expect.closeTo(arcLatitude * degree, 3), expect.closeTo(1.5 * degree, 3), expect.closeTo(2 * degree, 3)]);
    // $geoWithin still tests points only: a stored line or polygon is refused rather than judged by its vertices.
    await expect(c.find({ shape: { $geoWithin: { $centerSphere: [[0, 0], 1] } } }).toArray()).rejects.toMatchObject({ code: 115 });
  });

  it("$geoIntersects finds the stored geometries that share a point with the query's: inside, crossing or enclosing", async () => {
    const c = fresh();
    const square = (w: number, s: number, e: number, n: number) => ({ type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
    await c.insertMany([
      { _id: "inside point", shape: point([0, 0]) },
      { _id: "outside point", shape: point([5, 5]) },
      { _id: "crossing line", shape: { type: "LineString", coordinates: [[-3, 0], [3, 0]] } },
      { _id: "passing line", shape: { type: "LineString", coordinates: [[-3, 3], [3, 3]] } },
      { _id: "enclosing polygon", shape: square(-10, -10, 10, 10) },
      { _id: "disjoint polygon", shape: square(4, 4, 6, 6) },
    ]);
    const intersecting = async (geometry: Document) => ids(await c.find({ shape: { $geoIntersects: { $geometry: geometry } } }).toArray()).sort();
    expect(await intersecting(square(-1, -1, 1, 1))).toEqual(["crossing line", "enclosing polygon", "inside point"]);
    expect(await intersecting(point([0, 0]))).toEqual(["crossing line", "enclosing polygon", "inside point"]);
    expect(await intersecting({ type: "LineString", coordinates: [[5, 3], [5, 7]] })).toEqual(["disjoint polygon", "enclosing polygon", "outside point"]);
  });

  it("without a 2dsphere index on the field, $near and $nearSphere fail as on mongod (291), and legacy $near needs a 2d index", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1, loc: point(CENTER) });
    await expect(c.find({ loc: { $nearSphere: { $geometry: point(CENTER) } } }).toArray()).rejects.toMatchObject({
      code: 291,
      message: expect.stringContaining("unable to find index for $geoNear query"),
    });
    await c.createIndex({ loc: "2dsphere" });
    await expect(c.find({ loc: { $near: CENTER } }).toArray()).rejects.toMatchObject({ code: 291 });
    await expect(c.find({ other: { $nearSphere: { $geometry: point(CENTER) } } }).toArray()).rejects.toMatchObject({ code: 291 });
  });

  it("a write whose indexed field is not a geometry is refused (16755) and changes nothing; a missing or null field is fine", async () => {
    const c = await places();
    await expect(c.insertOne({ _id: "bad", loc: point([200, 100]) })).rejects.toMatchObject({ code: 16755 });
    await expect(c.insertOne({ _id: "text", loc: "downtown" })).rejects.toMatchObject({ code: 16755 });
    await expect(c.updateOne({ _id: "here" }, { $set: { loc: { type: "Point", coordinates: ["a", 1] } } })).rejects.toMatchObject({ code: 16755 });
    expect(await c.findOne({ _id: "here" })).toEqual({ _id: "here", loc: point(CENTER) });
    expect(await c.countDocuments({ _id: { $in: ["bad", "text"] } })).toBe(0);
    await c.insertMany([{ _id: "nowhere" }, { _id: "unset", loc: null }]);
    const found = await c.find({ loc: { $nearSphere: { $geometry: point(CENTER) } } }).toArray();
    expect(ids(found)).toEqual(byNearness);
  });

  it("an index over a document that is not a geometry is refused (16755)", async () => {
    const c = fresh();
    await c.insertOne({ _id: 1, loc: { lat: "north" } });
    await expect(c.createIndex({ loc: "2dsphere" })).rejects.toMatchObject({ code: 16755 });
    expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(["_id_"]);
  });

  it("malformed near queries are refused as mongod refuses them (2 BadValue)", async () => {
    const c = await places();
    const refused = (filter: Filter<GeoDoc>) => expect(c.find(filter).toArray()).rejects.toMatchObject({ code: 2 });
    await refused({ loc: { $nearSphere: { $geometry: point(CENTER), $maxDistance: -1 } } });
    await refused({ loc: { $nearSphere: { $geometry: { type: "Point", coordinates: [500, 0] } } } });
    await refused({ $or: [{ loc: { $nearSphere: { $geometry: point(CENTER) } } }, { _id: "here" }] });
    await refused({ $and: [{ loc: { $nearSphere: { $geometry: point(CENTER) } } }, { loc: { $nearSphere: { $geometry: point(CENTER) } } }] });
  });

  it("$near is refused inside aggregation, so countDocuments with it fails as on mongod (5626500)", async () => {
    const c = await places();
    await expect(c.countDocuments({ loc: { $nearSphere: { $geometry: point(CENTER) } } })).rejects.toMatchObject({ code: 5626500 });
  });

  it("$geoWithin finds points inside a $centerSphere and a GeoJSON polygon, GeoJSON and legacy alike", async () => {
    const c = await places();
    await c.insertOne({ _id: "legacy", loc: [-71.05, 42.365] });
    const within = async (shape: Document) => ids(await c.find({ loc: { $geoWithin: shape } }).toArray()).sort();
    const inKm = (km: number) => byNearness.filter((id) => distanceTo(id) <= km * 1000);
    expect(await within({ $centerSphere: [CENTER, 2_000 / EARTH_RADIUS] })).toEqual([...inKm(2), "legacy"].sort());
    const square = [[-71.08, 42.35], [-71.03, 42.35], [-71.03, 42.38], [-71.08, 42.38], [-71.08, 42.35]];
    expect(await within({ $geometry: { type: "Polygon", coordinates: [square] } })).toEqual(["east", "here", "legacy", "north"]);
  });

  it("a GeoJSON polygon's edges are great circles, as on mongod, not lines of constant latitude", async () => {
    const c = fresh();
    // Between longitudes -60 and 60, the edges at latitudes 50 and 60 bow north to about 67.2 and 73.9 at longitude 0.
    await c.insertMany([{ _id: "north of both edges' ends", loc: point([0, 70]) }, { _id: "between the ends' latitudes", loc: point([0, 55]) }]);
    const band = [[-60, 50], [60, 50], [60, 60], [-60, 60], [-60, 50]];
    const found = await c.find({ loc: { $geoWithin: { $geometry: { type: "Polygon", coordinates: [band] } } } }).toArray();
    expect(ids(found)).toEqual(["north of both edges' ends"]);
  });

  it("$box, $center and $polygon are flat shapes over legacy pairs: GeoJSON points never lie in them, as on mongod", async () => {
    const c = fresh();
    await c.insertMany([
      { _id: "pair", loc: [-71.05, 42.36] },
      { _id: "object", loc: { x: -71.04, y: 42.37 } },
      { _id: "far pair", loc: [-72, 43] },
      { _id: "geojson", loc: point([-71.05, 42.36]) },
    ]);
    const within = async (shape: Document) => ids(await c.find({ loc: { $geoWithin: shape } }).toArray()).sort();
    expect(await within({ $box: [[-71.1, 42.3], [-71.0, 42.4]] })).toEqual(["object", "pair"]);
    expect(await within({ $center: [[-71.05, 42.36], 0.0001] })).toEqual(["pair"]);
    expect(await within({ $polygon: [[-71.1, 42.3], [-71.045, 42.3], [-71.045, 42.4]] })).toEqual(["pair"]);
  });

  it("$geoNear answers the documents nearest first with their distance in meters, bounded and filtered as asked", async () => {
    const c = await places();
    const found = await c
      .aggregate([
        { $geoNear: { near: point(CENTER), distanceField: "dist.meters", maxDistance: 10_000, query: { _id: { $ne: "here" } }, includeLocs: "dist.at" } },
        { $project: { dist: 1 } },
      ])
      .toArray();
    const expected = byNearness.filter((id) => id !== "here" && distanceTo(id) <= 10_000);
    expect(ids(found)).toEqual(expected);
    found.forEach((doc, i) => {
      const place = PLACES.find((p) => p._id === expected[i])!;
      expect(doc.dist.meters).toBeCloseTo(distanceTo(place._id), 3);
      expect(doc.dist.at).toEqual(point(place.at));
    });
  });

  it("$geoNear with a legacy pair and spherical measures radians, scaled by distanceMultiplier", async () => {
    const c = await places();
    const [first, second] = await c
      .aggregate([{ $geoNear: { near: CENTER, spherical: true, distanceField: "km", distanceMultiplier: EARTH_RADIUS / 1000 } }, { $limit: 2 }])
      .toArray();
    expect([first!._id, second!._id]).toEqual(byNearness.slice(0, 2));
    expect(second!.km).toBeCloseTo(distanceTo(second!._id as string) / 1000, 6);
  });

  it("$geoNear is refused where mongod refuses it: not first (40603), no geo index (27), no distanceField (2)", async () => {
    const c = await places();
    await expect(c.aggregate([{ $match: {} }, { $geoNear: { near: point(CENTER), distanceField: "d" } }]).toArray()).rejects.toMatchObject({ code: 40603 });
    await expect(c.aggregate([{ $geoNear: { near: point(CENTER) } }]).toArray()).rejects.toMatchObject({ code: 2 });
    const plain = fresh();
    await plain.insertOne({ _id: 1, loc: point(CENTER) });
    await expect(plain.aggregate([{ $geoNear: { near: point(CENTER), distanceField: "d" } }]).toArray()).rejects.toMatchObject({ code: 27 });
  });

  describe("2d indexes (legacy coordinate pairs on a plane)", () => {
    async function grid(): Promise<Collection<GeoDoc>> {
      const c = fresh();
      await c.createIndex({ pos: "2d" });
      await c.insertMany([
        { _id: "far", pos: [30, 40] },
        { _id: "near", pos: [1, 1] },
        { _id: "object", pos: { x: 3, y: 4 } },
        { _id: "origin", pos: [0, 0] },
        { _id: "none" },
      ]);
      return c;
    }

    it("is listed as mongod lists it and refuses what is not a legacy pair in its range (13026, 13027)", async () => {
      const c = fresh();
      expect(await c.createIndex({ pos: "2d" }, { min: -500, max: 500, bits: 20 })).toBe("pos_2d");
      expect((await c.listIndexes().toArray()).find((i) => i.name === "pos_2d")).toEqual({ v: 2, key: { pos: "2d" }, name: "pos_2d", bits: 20, min: -500, max: 500 });
      await c.insertOne({ _id: 1, pos: [400, -400] });
      await expect(c.insertOne({ _id: 2, pos: point([1, 1]) })).rejects.toMatchObject({ code: 13026 });
      await expect(c.insertOne({ _id: 3, pos: [500, 0] })).rejects.toMatchObject({ code: 13027 });
      await expect(fresh().createIndex({ a: 1, pos: "2d" })).rejects.toMatchObject({ code: 67 });
    });

    it("$near with a legacy pair measures plane distance, nearest first, $maxDistance in coordinate units", async () => {
      const c = await grid();
      expect(ids(await c.find({ pos: { $near: [0, 0] } }).toArray())).toEqual(["origin", "near", "object", "far"]);
      expect(ids(await c.find({ pos: { $near: [0, 0], $maxDistance: 5 } }).toArray())).toEqual(["origin", "near", "object"]);
      expect(ids(await c.find({ pos: { $near: [0, 0], $maxDistance: 4.99 } }).toArray())).toEqual(["origin", "near"]);
    });

    it("$nearSphere over a 2d index measures radians, and $geoNear picks the 2d field for a legacy point", async () => {
      const c = await grid();
      const radians = angle([0, 0], [3, 4]);
      expect(ids(await c.find({ pos: { $nearSphere: [0, 0], $maxDistance: radians + 1e-9 } }).toArray())).toEqual(["origin", "near", "object"]);
      const [origin, near] = await c.aggregate([{ $geoNear: { near: [0, 0], distanceField: "d" } }, { $limit: 2 }]).toArray();
      expect([origin!._id, origin!.d, near!._id]).toEqual(["origin", 0, "near"]);
      expect(near!.d).toBeCloseTo(Math.SQRT2, 12);
    });
  });
});
