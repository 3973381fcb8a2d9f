/**
 * `npm run spec`: writes docs/api/ afresh (every page, and no page left over from a removed concept).
 * `npm run spec -- --check`: fails (exit 1) when a concept's spec and its schemas differ (drift/check.ts).
 * `npm run spec -- --write-signatures X`: writes X.spec.md's signature lines from XSchemas.
 * `--concepts <dir>` reads the concepts from another folder (the tests use scratch copies).
 */
import { checkSpecs } from "./drift/check.ts";
import { pagesDir, writeApiPages } from "./pages.ts";
import { writeSignaturesOf } from "./signatures/write-file.ts";

const args = process.argv.slice(2);
const option = (flag: string) => (args.includes(flag) ? (args[args.indexOf(flag) + 1] ?? fail(`${flag} needs a value`)) : undefined);
const conceptsDir = option("--concepts") ?? "src/concepts";

function fail(message: string): never {
  process.stderr.write(`${message}\nusage: npm run spec [-- --check | --write-signatures <Concept>] [--concepts <dir>]\n`);
  process.exit(2);
}

if (args.includes("--check")) {
  const report = await checkSpecs(conceptsDir);
  for (const line of report.notChecked) process.stdout.write(`not checked: ${line}\n`);
  for (const line of report.differences) process.stderr.write(`${line}\n`);
  process.stdout.write(`${report.checked.length} concept specs checked against their schemas: ${report.differences.length === 0 ? "they agree" : `${report.differences.length} difference${report.differences.length === 1 ? "" : "s"}`}\n`);
  process.exitCode = report.differences.length === 0 ? 0 : 1;
} else if (args.includes("--write-signatures")) {
  const name = option("--write-signatures")!;
  process.stdout.write(await writeSignaturesOf(conceptsDir, name));
} else {
  process.stdout.write(`wrote ${await writeApiPages()} pages to ${pagesDir}/\n`);
}
