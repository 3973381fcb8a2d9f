/** `npm run graph`: the sync graph as Mermaid, for READMEs, with every sync the server registers. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { discoverSyncs } from "../../src/engine/index.ts";

const run = promisify(execFile);

describe("npm run graph", () => {
  it("writes a Mermaid flowchart with a node for every sync and arrows to and from its actions", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sync-graph-"));
    try {
      const target = join(dir, "graph.mmd");
      const { stdout } = await run(process.execPath, ["--import", "tsx", "src/edges/dev-console/graph-cli.ts", target], { timeout: 60_000 });
      const names = Object.keys(await discoverSyncs("src/syncs"));
      expect(stdout).toContain(`${names.length} syncs`);
      const mermaid = await readFile(target, "utf8");
      expect(mermaid.startsWith("flowchart LR\n")).toBe(true);
      for (const name of names) expect(mermaid, name).toContain(`(["${name}"])`);
      expect(mermaid).toContain("n_Streak_recordActivity --> s_CompletedSessionEvaluatesBadges");
      expect(mermaid).toContain("s_CompletedSessionEvaluatesBadges --> n_Badge_evaluate");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("writes Markdown as the overview, then every sync, each a fenced block GitHub renders", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sync-graph-"));
    try {
      const target = join(dir, "graph.md");
      await run(process.execPath, ["--import", "tsx", "src/edges/dev-console/graph-cli.ts", target], { timeout: 60_000 });
      const markdown = await readFile(target, "utf8");
      expect(markdown).toMatch(/```mermaid\nflowchart LR\n[\s\S]*```\n$/);
      // The overview first: concepts, and each folder's syncs between two of them, counted.
      const [overview, whole] = markdown.split("## Every sync");
      expect(overview).toContain('n_FocusSession -->|"completion: 2"| n_FocusStats');
      expect(overview).toContain('n_Requesting -->|"study-sessions-v1: ');
      expect(overview).not.toContain("CompletedSessionEvaluatesBadges");
      expect(whole).toContain('s_CompletedSessionEvaluatesBadges(["CompletedSessionEvaluatesBadges"])');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
