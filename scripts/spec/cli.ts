/** `npm run spec`: writes docs/api/ afresh (every page, and no page left over from a removed concept). */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { apiPages, pagesDir } from "./pages.ts";

const pages = await apiPages();
await mkdir(pagesDir, { recursive: true });
for (const file of await readdir(pagesDir)) if (file.endsWith(".md") && !pages.has(file)) await rm(join(pagesDir, file));
for (const [file, page] of pages) await writeFile(join(pagesDir, file), page);
process.stdout.write(`wrote ${pages.size} pages to ${pagesDir}/\n`);
