import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decimal128, deserialize, Double, Int32, Long, ObjectId, serialize } from "bson";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openJournal, type Journal, type JournalOptions, type RecordCodec } from "../src/journal/index.ts";
import { logPath, snapshotPath, snapshotTempPath } from "../src/journal/files.ts";
import type { JournalRecord } from "../src/storage/persistence.ts";
import { ModelStore } from "./support/model-store.ts";

const NS = "app.things";
const put = (_id: unknown, fields: Record<string, unknown> = {}): JournalRecord => ({
  t: "put",
  ns: NS,
  doc: { _id, ...fields },
});

let root: string;
let opened: Journal[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "journal-test-"));
  opened = [];
});

afterEach(async () => {
  await Promise.all(opened.map((journal) => journal.close()));
  await rm(root, { recursive: true, force: true });
});

async function open(dir: string, options: Partial<JournalOptions> = {}): Promise<{ journal: Journal; store: ModelStore }> {
  const store = new ModelStore();
  const journal = await openJournal({ dir, store, ...options });
  opened.push(journal);
  return { journal, store };
}

/** Opens `dir` into a fresh store, reads its state and closes it again. */
async function reopenedState(dir: string): Promise<Record<string, string[]>> {
  const { journal, store } = await open(dir);
  await journal.close();
  return store.dump();
}

async function write(journal: Journal, store: ModelStore, records: JournalRecord[], durable = false): Promise<void> {
  await journal.append(store.write(records), { durable });
}

describe("the journal", () => {
  it("replays acknowledged records in order after a reopen", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    await write(journal, store, [put(1, { v: "a" })]);
    await write(journal, store, [put(2, { v: "b" }), put(3, { v: "c" })]);
    await write(journal, store, [put(1, { v: "a2" }), { t: "del", ns: NS, id: 2 }]);
    await journal.close();

    expect(await reopenedState(dir)).toEqual(store.dump());
    expect((await reopenedState(dir))[NS]).toHaveLength(2);
  });

  it("keeps every BSON type of a document as written", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    const doc = {
      i: new Int32(1),
      d: new Double(1),
      l: Long.fromString("9007199254740993"),
      m: Decimal128.fromString("0.10"),
      o: new ObjectId(),
      t: new Date(0),
      nested: [new Int32(2), { x: new Double(2.5) }],
    };
    await write(journal, store, [put("typed", doc)]);
    await journal.close();

    const { journal: again, store: replayed } = await open(dir);
    const [stored] = replayed.documents(NS) ?? [];
    expect(stored?.i).toBeInstanceOf(Int32);
    expect(stored?.d).toBeInstanceOf(Double);
    expect(stored?.l).toEqual(Long.fromString("9007199254740993"));
    expect(stored?.m.toString()).toBe("0.10");
    expect(replayed.dump()).toEqual(store.dump());
    await again.close();
  });

  it("replays records through the codec it was given", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    await write(journal, store, [put("n", { i: new Int32(7) })]);
    await journal.close();

    const promoting: RecordCodec = {
      encode: (record) => serialize(record),
      decode: (bytes) => deserialize(bytes) as JournalRecord,
    };
    const { store: replayed } = await open(dir, { codec: promoting });
    expect(replayed.documents(NS)).toEqual([{ _id: "n", i: 7 }]);
  });

  it("opens an empty directory, and a directory that does not exist yet", async () => {
    expect(await reopenedState(join(root, "new", "nested"))).toEqual({});
    expect(await reopenedState(join(root, "new", "nested"))).toEqual({});
  });

  it("stores a write larger than the 16 MiB BSON document limit in one frame", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    const big = "x".repeat(1024 * 1024);
    await write(journal, store, Array.from({ length: 20 }, (_, i) => put(i, { big })));
    await journal.close();
    expect((await reopenedState(dir))[NS]).toHaveLength(20);
  });

  it("refuses appends once closed", async () => {
    const { journal } = await open(join(root, "data"));
    await journal.close();
    await expect(journal.append([put(1)], { durable: false })).rejects.toThrow(/closed/);
  });
});

describe("group commit", () => {
  it("writes appends made together with one write and one sync", async () => {
    const { journal, store } = await open(join(root, "data"));
    await Promise.all(Array.from({ length: 100 }, (_, i) => write(journal, store, [put(i)], i % 2 === 0)));
    expect(journal.status).toMatchObject({ writes: 1, syncs: 1 });
  });

  it("does not sync for appends that do not ask to be durable", async () => {
    const { journal, store } = await open(join(root, "data"));
    for (let i = 0; i < 5; i += 1) await write(journal, store, [put(i)]);
    expect(journal.status).toMatchObject({ writes: 5, syncs: 0 });
  });

  it("batches durable appends that arrive while a sync is under way into the next sync", async () => {
    const { journal, store } = await open(join(root, "data"));
    const first = write(journal, store, [put("first")], true);
    await new Promise((resolve) => setImmediate(resolve)); // the first sync is now in flight
    const later = Array.from({ length: 50 }, (_, i) => write(journal, store, [put(i)], true));
    await Promise.all([first, ...later]);
    expect(journal.status.syncs).toBe(2);
  });

  it("appends concurrent writes in call order", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    await Promise.all(Array.from({ length: 50 }, (_, i) => write(journal, store, [put("same", { v: i })])));
    await journal.close();
    expect(await reopenedState(dir)).toEqual({ [NS]: [expect.stringContaining('"v":{"$numberInt":"49"}')] });
  });
});

describe("a crash mid-write", () => {
  /** A journal of three writes; returns the log's size before the last one and the states. */
  async function threeWrites(dir: string) {
    const { journal, store } = await open(dir);
    await write(journal, store, [put(1, { v: 1 })]);
    await write(journal, store, [put(2, { v: 2 })]);
    const before = store.dump();
    const sizeBefore = journal.status.logBytes;
    await write(journal, store, [put(3, { v: 3 }), put(1, { v: 10 }), { t: "del", ns: NS, id: 2 }]);
    await journal.close();
    const sizeAfter = (await stat(logPath(dir, 1))).size;
    return { before, after: store.dump(), sizeBefore, sizeAfter };
  }

  it("drops a torn last frame at every byte offset, keeping all of the write or none of it", async () => {
    const original = join(root, "original");
    const { before, after, sizeBefore, sizeAfter } = await threeWrites(original);
    expect(sizeAfter).toBeGreaterThan(sizeBefore);
    for (let cut = sizeBefore; cut <= sizeAfter; cut += 1) {
      const dir = join(root, `cut-${cut}`);
      await cp(original, dir, { recursive: true });
      await truncate(logPath(dir, 1), cut);

      const { journal, store } = await open(dir);
      expect(store.dump(), `cut at byte ${cut}`).toEqual(cut === sizeAfter ? after : before);
      expect(journal.status.recovery.truncatedBytes).toBe(cut === sizeAfter ? 0 : cut - sizeBefore);
      await journal.close();
      expect((await stat(logPath(dir, 1))).size).toBe(cut === sizeAfter ? sizeAfter : sizeBefore);
      await rm(dir, { recursive: true });
    }
  });

  it("appends after a dropped torn tail and keeps those writes", async () => {
    const dir = join(root, "data");
    const { before, sizeBefore, sizeAfter } = await threeWrites(dir);
    await truncate(logPath(dir, 1), Math.floor((sizeBefore + sizeAfter) / 2));
    const { journal, store } = await open(dir);
    await write(journal, store, [put(4, { v: 4 })]);
    await journal.close();
    const state = await reopenedState(dir);
    expect(state).toEqual(store.dump());
    expect(state[NS]).toHaveLength((before[NS]?.length ?? 0) + 1);
  });

  it("drops a last frame whose checksum does not match", async () => {
    const dir = join(root, "data");
    const { before, sizeBefore } = await threeWrites(dir);
    const log = await readFile(logPath(dir, 1));
    log[sizeBefore + 20] = (log[sizeBefore + 20] ?? 0) ^ 0xff;
    await writeFile(logPath(dir, 1), log);
    expect(await reopenedState(dir)).toEqual(before);
  });

  it("stops at a corrupt frame in the middle of the newest log and cuts the log there", async () => {
    const dir = join(root, "data");
    await threeWrites(dir);
    const log = await readFile(logPath(dir, 1));
    log[12] = (log[12] ?? 0) ^ 0x01; // inside the first frame's payload
    await writeFile(logPath(dir, 1), log);
    const { journal } = await open(dir);
    expect(journal.status.recovery.truncatedBytes).toBe(log.length);
    expect(journal.status.logBytes).toBe(0);
  });

  it("drops a tail of zeros, as a crash can leave after extending the file", async () => {
    const dir = join(root, "data");
    const { after } = await threeWrites(dir);
    await appendFile(logPath(dir, 1), Buffer.alloc(4096));
    expect(await reopenedState(dir)).toEqual(after);
  });
});

describe("compaction", () => {
  /** Many updates of a few documents: the log outgrows the live data quickly. */
  async function churn(journal: Journal, store: ModelStore, writes: number, from = 0): Promise<void> {
    for (let i = from; i < from + writes; i += 1) {
      await write(journal, store, [put(i % 10, { v: i, pad: "p".repeat(200) })]);
    }
  }

  const files = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name !== "LOCK").sort();

  it("replaces the log by a snapshot once the log outgrows its threshold", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir, { compactAfterBytes: 16 * 1024 });
    await churn(journal, store, 200);
    await journal.close();

    expect(journal.status.generation).toBeGreaterThan(1);
    expect(journal.status.compactionError).toBeUndefined();
    const generation = journal.status.generation;
    expect(await files(dir)).toEqual(
      [logPath(dir, generation), snapshotPath(dir, generation)].map((path) => path.slice(dir.length + 1)),
    );
    expect(await reopenedState(dir)).toEqual(store.dump());
  });

  it("waits until the log is also larger than the last snapshot times the ratio", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir, { compactAfterBytes: 1, compactRatio: 1000 });
    await write(journal, store, Array.from({ length: 100 }, (_, i) => put(i, { pad: "p".repeat(100) })));
    await journal.compact();
    const snapshotBytes = journal.status.snapshotBytes;
    await churn(journal, store, 20);
    expect(journal.status.generation).toBe(2);
    expect(journal.status.logBytes).toBeLessThan(snapshotBytes * 1000);
  });

  it("keeps writes acknowledged while a compaction runs", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir);
    await churn(journal, store, 50);
    const compaction = journal.compact();
    await churn(journal, store, 50, 50);
    await compaction;
    await churn(journal, store, 10, 100);
    await journal.close();
    expect(await reopenedState(dir)).toEqual(store.dump());
  });

  it("compacts once when asked while appends are still pending", async () => {
    const dir = join(root, "data");
    const { journal, store } = await open(dir, { compactAfterBytes: 1 });
    const pending = write(journal, store, [put("a", { v: 1 })]);
    const compaction = journal.compact();
    const after = write(journal, store, [put("b", { v: 2 })]);
    await Promise.all([pending, compaction, after]);
    expect(journal.status).toMatchObject({ generation: 2 });
    expect(journal.status.compactionError).toBeUndefined();
    await journal.close();
    expect(await reopenedState(dir)).toEqual(store.dump());
  });

  describe("after a crash between its steps", () => {
    /**
     * The real files of one compaction, from generation 2 to 3: `before` is the directory as it
     * was (snapshot 2 and log 2), `after` as it is once done, with writes in log 3 too.
     */
    async function compactionFiles() {
      const dir = join(root, "live");
      const { journal, store } = await open(dir);
      await churn(journal, store, 30);
      await journal.compact();
      await churn(journal, store, 30, 30);
      await cp(dir, join(root, "before"), { recursive: true });
      await journal.compact();
      await churn(journal, store, 30, 60);
      await journal.close();
      return { live: dir, before: join(root, "before"), expected: store.dump() };
    }

    /** A copy of the directory before compaction, as a crash would leave it. */
    async function crashedDirectory(before: string): Promise<string> {
      const dir = join(root, "crashed");
      await cp(before, dir, { recursive: true });
      // Copied from a journal still open in this process: as after a crash, its owner is gone.
      await rm(join(dir, "LOCK"));
      return dir;
    }

    it("replays the old snapshot and both logs when the new log exists but its snapshot does not", async () => {
      const { live, before, expected } = await compactionFiles();
      const dir = await crashedDirectory(before);
      await cp(logPath(live, 3), logPath(dir, 3));
      expect(await reopenedState(dir)).toEqual(expected);
    });

    it("ignores and removes a snapshot that was still being written", async () => {
      const { live, before, expected } = await compactionFiles();
      const dir = await crashedDirectory(before);
      await cp(logPath(live, 3), logPath(dir, 3));
      const snapshot = await readFile(snapshotPath(live, 3));
      await writeFile(snapshotTempPath(dir, 3), snapshot.subarray(0, snapshot.length >> 1));
      expect(await reopenedState(dir)).toEqual(expected);
      expect(await files(dir)).not.toContain(snapshotTempPath(dir, 3).slice(dir.length + 1));
    });

    it("uses the new snapshot and removes the old generation when its files were not deleted yet", async () => {
      const { live, before, expected } = await compactionFiles();
      const dir = await crashedDirectory(before);
      await cp(logPath(live, 3), logPath(dir, 3));
      await cp(snapshotPath(live, 3), snapshotPath(dir, 3));
      expect(await reopenedState(dir)).toEqual(expected);
      expect(await files(dir)).toEqual(["journal-00000003.log", "snapshot-00000003.bson"]);
    });

    it("reports damage in an older log, which only an OS crash can cause, and still opens", async () => {
      const { live, before } = await compactionFiles();
      const dir = await crashedDirectory(before);
      await cp(logPath(live, 3), logPath(dir, 3));
      const olderLog = logPath(dir, 2);
      await truncate(olderLog, (await stat(olderLog)).size - 3);
      const { journal } = await open(dir);
      expect(journal.status.recovery.damagedLogs).toEqual([expect.stringContaining(olderLog)]);
      expect(journal.status.logBytes).toBe((await stat(logPath(live, 3))).size);
    });

    it("opens when only part of the old generation was deleted", async () => {
      const { live, before, expected } = await compactionFiles();
      const dir = await crashedDirectory(before);
      await cp(logPath(live, 3), logPath(dir, 3));
      await cp(snapshotPath(live, 3), snapshotPath(dir, 3));
      await rm(logPath(dir, 2));
      expect(await reopenedState(dir)).toEqual(expected);
    });
  });
});

describe("the data directory lock", () => {
  it("refuses a second journal on a directory in use, and allows it once closed", async () => {
    const dir = join(root, "data");
    const { journal } = await open(dir);
    await expect(openJournal({ dir, store: new ModelStore() })).rejects.toThrow(/in use by process/);
    await journal.close();
    await expect(reopenedState(dir)).resolves.toEqual({});
  });

  it("takes over the lock of a process that no longer exists", async () => {
    const dir = join(root, "data");
    await reopenedState(dir);
    await writeFile(join(dir, "LOCK"), "2147483646\n");
    await expect(reopenedState(dir)).resolves.toEqual({});
  });
});
