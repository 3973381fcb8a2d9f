/**
 * `npm run client`: writes client/openapi.json and client/schema.ts afresh. With `--check`
 * it writes nothing and exits 1 naming the files that differ from what it would write.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { clientDir, clientFiles, writeClientFiles } from "./generate.ts";

if (process.argv.includes("--check")) {
  const files = await clientFiles();
  const stale: string[] = [];
  for (const [file, content] of files) if ((await readFile(join(clientDir, file), "utf8").catch(() => "")) !== content) stale.push(`${clientDir}/${file}`);
  if (stale.length > 0) {
    process.stderr.write(`stale: ${stale.join(", ")}; run npm run client\n`);
    process.exit(1);
  }
  process.stdout.write(`${clientDir}/ is up to date\n`);
} else {
  await writeClientFiles();
  process.stdout.write(`wrote ${clientDir}/openapi.json and ${clientDir}/schema.ts\n`);
}
