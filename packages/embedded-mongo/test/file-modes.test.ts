/**
 * The data directory is its owner's alone: DATA_DIR is 0700 and every file the server keeps
 * there (journal, snapshots, lock, credentials) 0600, whether the server created DATA_DIR or
 * found it (with looser modes, as `mkdir` or an older version left it). Checked on disk.
 */
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient } from "mongodb";
import { afterEach, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../src/index.ts";
import { startCli } from "./support/cli-process.ts";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempRoot(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "embedded-modes-"));
  cleanups.push(() => rm(root, { recursive: true, force: true }));
  return root;
}

const modeOf = async (file: string): Promise<number> => (await stat(file)).mode & 0o777;

/** Every entry of `dir` with its mode, e.g. `{ "journal-00000001.log": 0o600 }` (a file a compaction removed meanwhile left out). */
async function modesIn(dir: string): Promise<Record<string, number>> {
  const modes: Record<string, number> = {};
  for (const name of await readdir(dir)) {
    const mode = await modeOf(path.join(dir, name)).catch(() => undefined);
    if (mode !== undefined) modes[name] = mode;
  }
  return modes;
}

/** Writes enough for the journal to compact (a snapshot), while the server runs. */
async function writeUntilSnapshot(uri: string, dataDir: string): Promise<void> {
  const client = await MongoClient.connect(uri);
  try {
    const notes = client.db("focus").collection("notes");
    for (let round = 0; round < 50; round++) {
      await notes.insertMany(Array.from({ length: 20 }, (_, i) => ({ round, i, text: "x".repeat(100) })));
      if ((await readdir(dataDir)).some((name) => /^snapshot-\d+\.bson$/.test(name))) return;
    }
    throw new Error("no snapshot was written");
  } finally {
    await client.close();
  }
}

describe("file modes in the data directory", () => {
  it("creates DATA_DIR 0700 and its journal, snapshot and lock 0600", async () => {
    const dataDir = path.join(await tempRoot(), "nested", "data");
    const server = await startEmbeddedMongo({ dataDir, journal: { compactAfterBytes: 16 * 1024 } });
    cleanups.push(() => server.stop());
    await writeUntilSnapshot(server.uri, dataDir);

    expect(await modeOf(dataDir)).toBe(0o700);
    const modes = await modesIn(dataDir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(["LOCK", expect.stringMatching(/^journal-/), expect.stringMatching(/^snapshot-\d+\.bson$/)]));
    for (const [name, mode] of Object.entries(modes)) expect({ name, mode: mode.toString(8) }).toEqual({ name, mode: "600" });
  });

  it("narrows a DATA_DIR found 0755 with an older journal 0644", async () => {
    const dataDir = path.join(await tempRoot(), "data");
    const first = await startEmbeddedMongo({ dataDir });
    const client = await MongoClient.connect(first.uri);
    await client.db("focus").collection("notes").insertOne({ text: "kept" });
    await client.close();
    await first.stop();
    await chmod(dataDir, 0o755);
    for (const name of await readdir(dataDir)) await chmod(path.join(dataDir, name), 0o644);

    const second = await startEmbeddedMongo({ dataDir });
    cleanups.push(() => second.stop());
    expect(await modeOf(dataDir)).toBe(0o700);
    for (const [name, mode] of Object.entries(await modesIn(dataDir))) expect({ name, mode: mode.toString(8) }).toEqual({ name, mode: "600" });
  });

  it("`npm run db` creates DATA_DIR 0700 with credentials.json and the journal 0600", async () => {
    const dataDir = path.join(await tempRoot(), "db-data");
    const cli = await startCli(dataDir);
    cleanups.push(() => cli.stop());
    const client = await MongoClient.connect(cli.uri);
    await client.db("focus").collection("notes").insertOne({ text: "private" });
    await client.close();

    expect(await modeOf(dataDir)).toBe(0o700);
    const modes = await modesIn(dataDir);
    expect(Object.keys(modes)).toEqual(expect.arrayContaining(["credentials.json", "LOCK", expect.stringMatching(/^journal-/)]));
    for (const [name, mode] of Object.entries(modes)) expect({ name, mode: mode.toString(8) }).toEqual({ name, mode: "600" });
  });

  it("keeps a file the server did not write as it was", async () => {
    const dataDir = path.join(await tempRoot(), "data");
    await mkdir(dataDir);
    await writeFile(path.join(dataDir, "README.txt"), "notes of the operator\n", { mode: 0o644 });
    await chmod(path.join(dataDir, "README.txt"), 0o644);
    const server = await startEmbeddedMongo({ dataDir });
    cleanups.push(() => server.stop());
    expect(await modeOf(path.join(dataDir, "README.txt"))).toBe(0o644);
    expect(await modeOf(dataDir)).toBe(0o700);
  });
});
