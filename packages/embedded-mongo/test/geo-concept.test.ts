/**
 * A concept written the way 6.1040 students write them on the course template: indexes
 * created in the constructor without awaiting (a rejection there ends the process), a 2dsphere
 * index among them, and a "who is near me" query with `$nearSphere` and `$maxDistance`.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Collection, Db } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

interface GeoPoint {
  type: "Point";
  coordinates: [number, number];
}

interface ProfileDoc {
  _id: string;
  displayName: string;
  homeLocation?: GeoPoint;
  sharesLocation: boolean;
}

class ProfileConcept {
  readonly profiles: Collection<ProfileDoc>;

  constructor(db: Db) {
    this.profiles = db.collection<ProfileDoc>("Profile.profiles");
    void this.profiles.createIndex({ displayName: 1 });
    void this.profiles.createIndex({ homeLocation: "2dsphere" });
  }

  async updateProfile({ user, displayName, homeLocation, sharesLocation = true }: { user: string; displayName: string; homeLocation?: GeoPoint; sharesLocation?: boolean }): Promise<{ user: string } | { error: string }> {
    await this.profiles.updateOne({ _id: user }, { $set: { displayName, sharesLocation, ...(homeLocation && { homeLocation }) } }, { upsert: true });
    return { user };
  }

  async _getNearbyHikers({ location, radius, limit = 10 }: { location: GeoPoint; radius: number; limit?: number }): Promise<Array<{ user: string; displayName: string }>> {
    const found = await this.profiles
      .find({ sharesLocation: true, homeLocation: { $nearSphere: { $geometry: location, $maxDistance: radius } } })
      .limit(limit)
      .toArray();
    return found.map((p) => ({ user: p._id, displayName: p.displayName }));
  }
}

const at = (lng: number, lat: number): GeoPoint => ({ type: "Point", coordinates: [lng, lat] });

describe("a student-style concept with a 2dsphere index made in its constructor", () => {
  const t = useTestDatabase();
  const rejections: unknown[] = [];
  const record = (reason: unknown) => rejections.push(reason);
  beforeEach(() => {
    rejections.length = 0;
    process.on("unhandledRejection", record);
  });
  afterEach(() => {
    process.off("unhandledRejection", record);
  });

  it("starts without a rejected index build and answers its nearby-hikers query nearest first", async () => {
    const profiles = new ProfileConcept(t.db);
    const trailhead = at(-71.3, 42.45);
    await profiles.updateProfile({ user: "ana", displayName: "Ana", homeLocation: at(-71.31, 42.45) }); // ~0.8 km
    await profiles.updateProfile({ user: "ben", displayName: "Ben", homeLocation: at(-71.3, 42.46) }); // ~1.1 km
    await profiles.updateProfile({ user: "cy", displayName: "Cy", homeLocation: at(-71.06, 42.36) }); // ~22 km
    await profiles.updateProfile({ user: "dee", displayName: "Dee", homeLocation: at(-71.3005, 42.4502), sharesLocation: false });
    await profiles.updateProfile({ user: "eve", displayName: "Eve" }); // no location yet

    expect(await profiles._getNearbyHikers({ location: trailhead, radius: 5_000 })).toEqual([
      { user: "ana", displayName: "Ana" },
      { user: "ben", displayName: "Ben" },
    ]);
    expect((await profiles._getNearbyHikers({ location: trailhead, radius: 50_000 })).map((h) => h.user)).toEqual(["ana", "ben", "cy"]);
    expect((await profiles._getNearbyHikers({ location: trailhead, radius: 50_000, limit: 1 })).map((h) => h.user)).toEqual(["ana"]);

    const indexes = await profiles.profiles.listIndexes().toArray();
    expect(indexes.map((index) => index.name)).toEqual(expect.arrayContaining(["homeLocation_2dsphere", "displayName_1"]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(rejections).toEqual([]);
  });
});
