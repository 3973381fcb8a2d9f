/** `npm run client`: writes client/openapi.json and client/schema.ts afresh. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { clientDir, clientFiles } from "./generate.ts";

await mkdir(clientDir, { recursive: true });
for (const [file, content] of await clientFiles()) await writeFile(join(clientDir, file), content);
process.stdout.write(`wrote ${clientDir}/openapi.json and ${clientDir}/schema.ts\n`);
