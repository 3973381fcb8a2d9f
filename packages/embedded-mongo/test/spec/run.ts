/**
 * MongoDB's unified specification tests against this server, through the official driver:
 *
 *   MONGODB_SPEC_TESTS=/path/to/specifications/source/crud/tests/unified npm run spec
 *
 * The tests are not part of this repository (CC BY-NC-SA): give a local checkout of
 * `mongodb/specifications`. MONGODB_URL runs them against another server instead (a real
 * mongod, to compare); SPEC_FILTER (a regular expression on "<file> <test>") picks some.
 * Prints each failure, then the counts: pass and fail among the tests that apply to this
 * server, and the skipped ones with why (a requirement the server does not meet, or a feature
 * of the format this runner does not implement).
 */
import { MongoClient } from "mongodb";
import { startEmbeddedMongo } from "../../src/index.ts";
import { loadTestFiles } from "./load.ts";
import { describeServer, runFile, type TestResult } from "./runner.ts";

const location = process.env.MONGODB_SPEC_TESTS;
if (!location) {
  process.stderr.write("MONGODB_SPEC_TESTS must name a directory of unified-format JSON tests (e.g. specifications/source/crud/tests/unified)\n");
  process.exit(2);
}
const only = process.env.SPEC_FILTER ? new RegExp(process.env.SPEC_FILTER) : undefined;

const embedded = process.env.MONGODB_URL ? undefined : await startEmbeddedMongo({ inMemory: true, enableTestCommands: true });
const uri = process.env.MONGODB_URL ?? embedded!.uri;
const internal = await MongoClient.connect(uri);
const server = await describeServer(uri, internal);

const results: TestResult[] = [];
for (const file of await loadTestFiles(location)) results.push(...(await runFile(file, server, internal, only)));
await internal.close();
await embedded?.stop();

const count = (status: string): number => results.filter((result) => result.verdict.status === status).length;
for (const { file, test, verdict } of results) {
  if (verdict.status === "fail") process.stdout.write(`FAIL ${file} :: ${test}\n     ${verdict.reason}\n`);
}
const skips = new Map<string, number>();
for (const { verdict } of results) if (verdict.status === "skip") skips.set(verdict.reason, (skips.get(verdict.reason) ?? 0) + 1);
const [passed, failed] = [count("pass"), count("fail")];
process.stdout.write(`\nserver ${server.version.join(".")} (${server.topology})\n`);
for (const [reason, n] of [...skips].sort((a, b) => b[1] - a[1])) process.stdout.write(`skip ${String(n).padStart(4)}  ${reason}\n`);
process.stdout.write(
  `\n${passed} passed, ${failed} failed of ${passed + failed} that apply (${((100 * passed) / Math.max(1, passed + failed)).toFixed(1)}%); ${count("skip")} skipped; ${results.length} in all\n`,
);
