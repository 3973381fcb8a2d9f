/**
 * A process that opens a data directory (argv[2]) and reports `locked <pid>` once it holds its
 * lock. With argv[3] = "exit" it then dies at once without letting go of anything, as a crash
 * would (under a parent that never reaps it, it stays a zombie); otherwise it holds the lock
 * until it is killed.
 */
import { startEmbeddedMongo } from "../../src/index.ts";

const [dataDir, mode] = process.argv.slice(2);
if (dataDir === undefined) throw new Error("usage: lock-holder <dataDir> [exit]");
await startEmbeddedMongo({ dataDir });
process.stdout.write(`locked ${process.pid}\n`);
if (mode === "exit") process.exit(0);
setInterval(() => undefined, 60_000);
