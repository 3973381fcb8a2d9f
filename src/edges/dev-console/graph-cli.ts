/**
 * `npm run graph [file]`: writes the sync graph of the concepts and syncs on disk as Mermaid,
 * for READMEs. A `.md` file (the default, docs/sync-graph.md) gets the overview and the whole
 * graph, each a fenced block GitHub renders; any other name gets the whole graph as bare
 * Mermaid text. Needs no database.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { discoverConcepts, discoverSyncSources } from "../../engine/discover.ts";
import { compileSync } from "../../engine/sync.ts";
import { syncGraph } from "./graph.ts";
import { mermaidOf, overviewMermaidOf } from "./mermaid.ts";
import { conceptsDir, syncsDir } from "./sources.ts";

async function main(): Promise<void> {
  const target = resolve(process.argv[2] ?? "docs/sync-graph.md");
  const sources = await discoverSyncSources(syncsDir);
  const graph = await syncGraph({
    concepts: await discoverConcepts(conceptsDir),
    syncs: sources.map(({ name, sync }) => compileSync(name, sync)),
    files: new Map(sources.map(({ name, file }) => [name, file.replaceAll("\\", "/")])),
  });
  const mermaid = mermaidOf(graph);
  const text = target.endsWith(".md")
    ? `# The sync graph\n\nWritten by \`npm run graph\`: ${graph.syncs.length} syncs over ${graph.concepts.length} concepts.\n\n` +
      "## At a glance\n\nEach arrow is a feature folder's syncs that lead from one concept's actions to another's, with how many " +
      "(the dev console opens on this view, `/dev`).\n\n" +
      `\`\`\`mermaid\n${overviewMermaidOf(graph)}\`\`\`\n\n` +
      "## Every sync\n\nEach rounded node is a sync: the actions of its `when` lead into it (the queries of its `where` dotted), it leads to the actions of its `then`.\n\n" +
      `\`\`\`mermaid\n${mermaid}\`\`\`\n`
    : mermaid;
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, text);
  process.stdout.write(`${graph.syncs.length} syncs over ${graph.concepts.length} concepts written to ${target}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`npm run graph failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
