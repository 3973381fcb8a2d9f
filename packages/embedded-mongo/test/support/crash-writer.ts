/**
 * The crash test's victim: starts the embedded server on a data directory and writes through
 * the driver until it is killed, printing one line per acknowledged write:
 *   `insert <_id>` once an insert is acknowledged,
 *   `update <_id> <n>` once `{ _id, n }` is acknowledged by an update.
 * Usage: tsx crash-writer.ts <dataDir> <runName>
 */
import { MongoClient, type WriteConcernSettings } from "mongodb";
import { startEmbeddedMongo } from "../../src/index.ts";

const WRITERS = 4;

function parseArguments(): { dataDir: string; run: string } {
  const [dataDir, run] = process.argv.slice(2);
  if (!dataDir || !run) throw new Error("usage: crash-writer.ts <dataDir> <runName>");
  return { dataDir, run };
}

const { dataDir, run } = parseArguments();

// A small compaction threshold, so that kills also land in the middle of compactions.
const server = await startEmbeddedMongo({ dataDir, port: 0, journal: { compactAfterBytes: 64 * 1024 } });
const client = await MongoClient.connect(server.uri, { maxPoolSize: WRITERS });
const things = client.db("crash").collection<{ _id: string; run: string; n: number }>("things");
await things.createIndex({ run: 1, n: 1 });
process.stdout.write("ready\n");

async function writeForever(writer: number): Promise<never> {
  for (let n = 0; ; n += 1) {
    // Every fourth write asks for the journal to be synced too.
    const writeConcern: WriteConcernSettings = n % 4 === 0 ? { w: 1, journal: true } : { w: 1 };
    const _id = `${run}-${writer}-${n}`;
    await things.insertOne({ _id, run, n }, { writeConcern });
    process.stdout.write(`insert ${_id}\n`);
    const counter = `${run}-counter-${writer}`;
    await things.updateOne({ _id: counter }, { $set: { run, n } }, { upsert: true, writeConcern });
    process.stdout.write(`update ${counter} ${n}\n`);
  }
}

await Promise.all(Array.from({ length: WRITERS }, (_, writer) => writeForever(writer)));
