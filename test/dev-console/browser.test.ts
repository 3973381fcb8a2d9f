/**
 * The dev console in a real browser: Debian's Chromium driven by playwright-core (no browser
 * is downloaded; `.ci/run` installs Chromium with apt when it is missing). The whole app runs
 * in this process on a real port, so the page's counts are checked against its engine.
 * The tests take the screenshots the README shows: into a temporary folder, or with
 * UPDATE_SCREENSHOTS=1 into docs/dev-console/ (so that a test run leaves the tree as it was).
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/edges/http/server.ts";
import { discoverSyncSources } from "../../src/engine/index.ts";
import { asService, asUser } from "../http/harness.ts";
import { useFocusApp } from "../support/app.ts";

const chromiumPath = "/usr/bin/chromium";
const screenshots =
  process.env.UPDATE_SCREENSHOTS === "1" ? fileURLToPath(new URL("../../docs/dev-console/", import.meta.url)) : `${await mkdtemp(join(tmpdir(), "dev-console-"))}/`;
/** A shared 2-core machine is slow to lay out and draw: generous, never tight. */
const patience = 60_000;

const focus = useFocusApp();
let server: RunningServer;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: apt-get install -y chromium (.ci/run does it)`);
  server = await listen(focus.app, { host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"] });
  await mkdir(screenshots, { recursive: true });
}, patience);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, patience);

/** Runs `use` on a fresh page whose every request carries `headers` (the service key, a user's token, or nothing). */
async function withPage(headers: Record<string, string>, use: (page: Page) => Promise<void>): Promise<void> {
  const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers, viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(patience);
    await use(page);
  } finally {
    await context.close();
  }
}

/** Opens the console on `view` and waits until its live trace is connected. */
async function openLive(page: Page, view: "trace" | "playground"): Promise<void> {
  await page.goto(`${server.url}/dev#${view}`);
  await expect.poll(() => page.locator("#connection").getAttribute("data-state"), { timeout: patience }).toBe("live");
}

describe("the dev console in a browser", () => {
  it(
    "draws every registered sync in the graph, and shows a sync's file and clauses on click",
    async () => {
      await withPage(asService, async (page) => {
        await page.goto(`${server.url}/dev#graph`);
        await expect.poll(() => page.locator("#sync-graph g.sync").count(), { timeout: patience }).toBeGreaterThan(0);
        const drawn = await page.locator("#sync-graph g.sync").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-sync")));
        expect(drawn.sort()).toEqual(focus.engine.syncNames().sort());

        const completionSyncs = (await discoverSyncSources("src/syncs")).filter(({ file }) => file.startsWith("completion")).map(({ name }) => name);
        await page.selectOption("#graph-folder", "completion");
        await expect.poll(() => page.locator("#sync-graph g.sync").count(), { timeout: patience }).toBe(completionSyncs.length);
        const filtered = await page.locator("#sync-graph g.sync").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-sync")));
        expect(filtered.sort()).toEqual(completionSyncs.sort());
        await page.locator('#sync-graph g.sync[data-sync="CompletedSessionEvaluatesBadges"]').click();
        const details = page.locator("#graph-details");
        await expect.poll(() => details.textContent()).toContain("src/syncs/completion/evaluate-badges.sync.ts");
        expect(await details.textContent()).toContain("Badge.evaluate { user: ?user");
        await page.screenshot({ path: `${screenshots}graph.png` });
      });
    },
    patience * 2,
  );

  it(
    "shows a playground session's completion syncs (stats, streak, badges) in the live trace within a second",
    async () => {
      await withPage(asService, async (page) => {
        await openLive(page, "playground");
        await page.fill("#pg-user", "browser-ada");
        await page.dispatchEvent("#pg-user", "change");

        await page.click("#pg-start");
        await expect.poll(() => page.locator("#pg-state").textContent(), { timeout: patience }).toContain("active");
        await page.click("#pg-complete");
        await expect.poll(() => page.locator("#pg-message").getAttribute("data-status"), { timeout: patience }).toBe("200");

        const completion = page.locator("#trace-list > li", { has: page.locator('[data-op="Badge.evaluate"]') });
        await completion.first().waitFor({ timeout: patience });
        const entry = completion.first();
        for (const op of ["FocusSession.end", "FocusStats.recordSession", "Streak.recordActivity", "Badge.evaluate"]) {
          expect(await entry.locator(`[data-op="${op}"]`).count()).toBe(1);
        }
        const text = await entry.textContent();
        expect(text).toContain("CompletedSessionCountsInStatsAndStreak");
        expect(text).toContain("CompletedSessionEvaluatesBadges");
        expect(text).toContain("POST /api/FocusSession/end");
        expect(text).toContain("browser-ada");
        // Shown no later than a second after the completion was answered (usually before: the flow ends first).
        const shownAt = Number(await entry.getAttribute("data-shown-at"));
        const answeredAt = Number(await page.locator("#pg-message").getAttribute("data-answered-at"));
        expect(shownAt - answeredAt).toBeLessThan(1000);

        await expect.poll(() => page.locator("#pg-sessions").textContent(), { timeout: patience }).toBe("1");
        // "Why did this badge get awarded?", by clicking: the flow that awarded it, marked in the trace.
        const badge = page.locator("#pg-badges li[data-badge]").first();
        await badge.waitFor({ timeout: patience });
        const badgeName = ((await badge.textContent()) ?? "").replace("why?", "").trim();
        await badge.locator("button.why").click();
        const explained = page.locator("#trace-list > li.explained");
        await explained.waitFor({ timeout: patience });
        const why = await explained.textContent();
        expect(why).toContain("Badge.evaluate ← CompletedSessionEvaluatesBadges");
        expect(why).toContain(`"name":"${badgeName}"`);
        expect(await page.locator("#trace-lookup-result").textContent()).toContain(`${badgeName}: awarded in flow`);
        await page.screenshot({ path: `${screenshots}playground.png` });

        // From the trace to the graph: the sync that awarded it, selected there.
        await explained.locator('a[data-sync="CompletedSessionEvaluatesBadges"]').click();
        await expect.poll(() => page.locator("body").getAttribute("data-view")).toBe("graph");
        await expect.poll(() => page.locator("#graph-details-name").textContent(), { timeout: patience }).toBe("CompletedSessionEvaluatesBadges");
        expect(await page.locator('#sync-graph g.sync.selected[data-sync="CompletedSessionEvaluatesBadges"]').count()).toBe(1);
      });
    },
    patience * 2,
  );

  it(
    "opens a finished flow from the log by its user, in a page opened after it ran, and filters and clears the list",
    async () => {
      await withPage(asService, async (page) => {
        // A completion nobody watched: the trace kept nothing of it, the log did.
        const started = await request("/api/FocusSession/start", { user: "log-grace", subject: "Logic" });
        await request("/api/FocusSession/end", { user: "log-grace", session: started.session, status: "completed" });

        await openLive(page, "trace");
        expect(await page.locator('#trace-list [data-op="Badge.evaluate"]').count()).toBe(0);
        await page.fill("#trace-lookup-key", "log-grace");
        await page.click("#trace-lookup button");
        const fromLog = page.locator("#trace-list > li", { has: page.locator('[data-op="Badge.evaluate"]') });
        await fromLog.first().waitFor({ timeout: patience });
        expect(await fromLog.first().textContent()).toContain("from the log");
        await page.screenshot({ path: `${screenshots}trace.png` });

        const shownEntries = () => page.locator("#trace-list > li").count();
        await page.fill("#trace-user", "someone-else");
        await expect.poll(shownEntries).toBe(0);
        await page.fill("#trace-user", "log-gr");
        await expect.poll(shownEntries).toBe(2);
        await page.click("#trace-clear");
        await expect.poll(shownEntries).toBe(0);
      });
    },
    patience * 2,
  );

  it(
    "answers a user's token with 403 and a browser without credentials with 401",
    async () => {
      for (const [headers, status] of [
        [await asUser("mallory"), 403],
        [{}, 401],
      ] as const) {
        await withPage(headers, async (page) => {
          const response = await page.goto(`${server.url}/dev`);
          expect(response?.status()).toBe(status);
          expect(await page.locator("#sync-graph").count()).toBe(0);
        });
      }
    },
    patience,
  );
});

/** A concept action called as the service, outside any page. */
async function request(path: string, body: object): Promise<{ session: string }> {
  const response = await fetch(`${server.url}${path}`, { method: "POST", headers: { ...asService, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(response.status).toBe(200);
  return (await response.json()) as { session: string };
}
