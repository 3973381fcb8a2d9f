import { describe, expect, it } from "vitest";
import type { Collection, Db } from "mongodb";
import { useTestDatabase } from "./support/database.ts";

type Article = { _id: number; subject?: string; body?: string; tags?: string[]; language?: string; score?: number };

const ARTICLES: Article[] = [
  { _id: 1, subject: "coffee" },
  { _id: 2, subject: "Coffee Shopping" },
  { _id: 3, subject: "Baking a cake" },
  { _id: 4, subject: "baking" },
  { _id: 5, subject: "Café Con Leche" },
  { _id: 6, subject: "coffee and cream" },
  { _id: 7, subject: "Cafe con Leche" },
  { _id: 8, subject: "the" },
];

describe("text indexes and $text", () => {
  const t = useTestDatabase();
  let n = 0;
  const fresh = () => t.db.collection<Article>(`text${(n += 1)}`);
  const ids = (docs: Article[]) => docs.map((doc) => doc._id);

  async function articles(): Promise<Collection<Article>> {
    const c = fresh();
    await c.createIndex({ subject: "text" });
    await c.insertMany(ARTICLES);
    return c;
  }
  const search = async (c: Collection<Article>, words: string) => ids(await c.find({ $text: { $search: words } }).sort({ _id: 1 }).toArray());

  it("a text index is stored and listed in mongod's form", async () => {
    const c = fresh();
    expect(await c.createIndex({ title: "text", body: "text" }, { weights: { title: 10 } })).toBe("title_text_body_text");
    const listed = (await c.listIndexes().toArray()).find((index) => index.name === "title_text_body_text");
    expect(listed).toEqual({
      v: 2,
      key: { _fts: "text", _ftsx: 1 },
      name: "title_text_body_text",
      weights: { body: 1, title: 10 },
      default_language: "english",
      language_override: "language",
      textIndexVersion: 3,
    });
    // One text index per collection: another one conflicts with it (85), the same one again is no error.
    await expect(c.createIndex({ summary: "text" })).rejects.toMatchObject({ code: 85 });
    await c.createIndex({ title: "text", body: "text" }, { weights: { title: 10 } });
  });

  it("$text matches any of its words by stem, whatever their case and diacritics; stop words match nothing", async () => {
    const c = await articles();
    expect(await search(c, "coffee")).toEqual([1, 2, 6]);
    expect(await search(c, "bake COFFEE cakes")).toEqual([1, 2, 3, 4, 6]);
    expect(await search(c, "CAFÉ")).toEqual([5, 7]);
    expect(await search(c, "the")).toEqual([]);
  });

  it("quoted phrases must all appear and negated words or phrases must not", async () => {
    const c = await articles();
    expect(await search(c, '"coffee shop"')).toEqual([2]);
    expect(await search(c, "coffee -shop")).toEqual([1, 6]);
    expect(await search(c, 'leche -"cafe con"')).toEqual([]);
    expect(await search(c, "-coffee")).toEqual([]);
  });

  it("textScore is mongod's: term frequency with diminishing repeats, share of the string's terms, weights, a whole-string bonus", async () => {
    const c = fresh();
    await c.createIndex({ subject: "text", body: "text" }, { weights: { subject: 10 } });
    await c.insertMany([
      { _id: 1, body: "coffee" },
      { _id: 2, body: "coffee shopping" },
      { _id: 3, body: "coffee coffee coffee" },
      { _id: 4, subject: "coffee beans" },
      { _id: 5, body: "run" },
      { _id: 6, body: "run and walk and swim and jump" },
    ]);
    const scored = await c
      .find({ $text: { $search: "coffee run" } }, { projection: { score: { $meta: "textScore" } } })
      .sort({ score: { $meta: "textScore" } })
      .toArray();
    // 10 x 1 x 0.75; 1 x (1 + 1/2 + 1/4) x 1; 1.1 ("run" is its string whole); 1; 0.75; 0.625 (stop words do not count).
    expect(scored.map((doc) => [doc._id, doc.score])).toEqual([
      [4, 7.5],
      [3, 1.75],
      [5, 1.1],
      [1, 1],
      [2, 0.75],
      [6, 0.625],
    ]);
    expect(Object.keys(scored[0]!)).toEqual(["_id", "subject", "score"]);
  });

  it("a pipeline reads textScore after its $text $match: in a $sort right after it, and in later $project, $addFields and $sort stages", async () => {
    const c = await articles();
    const best = await c.aggregate([{ $match: { $text: { $search: "coffee cream" } } }, { $sort: { score: { $meta: "textScore" } } }, { $project: { _id: 1 } }]).toArray();
    expect(best).toEqual([{ _id: 6 }, { _id: 1 }, { _id: 2 }]);
    const projected = await c
      .aggregate([{ $match: { $text: { $search: "coffee cream" } } }, { $project: { subject: 1, score: { $meta: "textScore" } } }, { $sort: { score: 1 } }])
      .toArray();
    expect(projected).toEqual([
      { _id: 2, subject: "Coffee Shopping", score: 0.75 },
      { _id: 1, subject: "coffee", score: 1 },
      { _id: 6, subject: "coffee and cream", score: 1.5 },
    ]);
    const added = await c
      .aggregate([{ $match: { $text: { $search: "coffee" } } }, { $addFields: { relevance: { $multiply: [{ $meta: "textScore" }, 100] } } }, { $sort: { _id: -1 } }, { $project: { relevance: 1 } }])
      .toArray();
    expect(added).toEqual([{ _id: 6, relevance: 75 }, { _id: 2, relevance: 75 }, { _id: 1, relevance: 100 }]);
  });

  it("$text runs in counts, updates and a pipeline's first $match; without a text index it fails (27), and in a later $match (17313)", async () => {
    const c = await articles();
    expect(await c.countDocuments({ $text: { $search: "coffee" } })).toBe(3);
    expect(await c.aggregate([{ $match: { $text: { $search: "baking" } } }, { $sort: { _id: 1 } }, { $project: { _id: 1 } }]).toArray()).toEqual([{ _id: 3 }, { _id: 4 }]);
    await expect(c.aggregate([{ $match: {} }, { $match: { $text: { $search: "coffee" } } }]).toArray()).rejects.toMatchObject({ code: 17313 });
    expect((await c.updateMany({ $text: { $search: "cream" } }, { $set: { tags: ["dairy"] } })).modifiedCount).toBe(1);
    expect(await c.findOne({ tags: "dairy" })).toMatchObject({ _id: 6 });
    const plain = fresh();
    await plain.insertOne({ _id: 1, subject: "coffee" });
    await expect(plain.find({ $text: { $search: "coffee" } }).toArray()).rejects.toMatchObject({ code: 27 });
  });
});

/** A search concept as course backends write them: its text index made un-awaited in the constructor. */
class RecipeConcept {
  readonly recipes: Collection<{ _id: string; title: string; notes: string }>;

  constructor(db: Db) {
    this.recipes = db.collection("Recipe.recipes");
    void this.recipes.createIndex({ title: "text", notes: "text" }, { weights: { title: 5 } });
  }

  async add({ recipe, title, notes }: { recipe: string; title: string; notes: string }): Promise<{ recipe: string }> {
    await this.recipes.insertOne({ _id: recipe, title, notes });
    return { recipe };
  }

  async _search({ query }: { query: string }): Promise<Array<{ recipe: string; title: string }>> {
    const found = await this.recipes
      .find({ $text: { $search: query } }, { projection: { title: 1, score: { $meta: "textScore" } } })
      .sort({ score: { $meta: "textScore" } })
      .toArray();
    return found.map((doc) => ({ recipe: doc._id, title: doc.title }));
  }
}

describe("a student-style search concept with a text index made in its constructor", () => {
  const t = useTestDatabase();

  it("starts and answers its search best match first", async () => {
    const recipes = new RecipeConcept(t.db);
    await recipes.add({ recipe: "r1", title: "Lemon cake", notes: "bake for forty minutes" });
    await recipes.add({ recipe: "r2", title: "Bread", notes: "bakes well with a lemon glaze" });
    await recipes.add({ recipe: "r3", title: "Salad", notes: "no oven needed" });
    expect(await recipes._search({ query: "lemon" })).toEqual([
      { recipe: "r1", title: "Lemon cake" },
      { recipe: "r2", title: "Bread" },
    ]);
    expect(await recipes._search({ query: "baking" })).toEqual([
      { recipe: "r1", title: "Lemon cake" },
      { recipe: "r2", title: "Bread" },
    ]);
  });
});
