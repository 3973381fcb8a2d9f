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
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, type RunningServer } from "../../src/edges/http/server.ts";
import { discoverSyncSources } from "../../src/engine/index.ts";
import { asService, asUser } from "../http/harness.ts";
import { useFocusApp } from "../support/app.ts";

/** The page's own globals, used in the functions the browser runs (the project's TypeScript has no DOM library). */
interface PageNode {
  readonly scrollWidth: number;
  readonly clientWidth: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  readonly scrollLeft: number;
  readonly scrollTop: number;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
  getScreenCTM(): { a: number } | null;
}
declare const document: { getElementById(id: string): PageNode | null; querySelectorAll(selectors: string): Iterable<PageNode> };
declare function getComputedStyle(node: PageNode): { fontSize: string; opacity: string; lineHeight: string; paddingTop: string };

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

type Viewport = { width: number; height: number };
/** The two screens the console must read well on: a desktop and a small laptop. */
const desktop: Viewport = { width: 1400, height: 1000 };
const laptop: Viewport = { width: 1024, height: 768 };

/** Runs `use` on a fresh page whose every request carries `headers` (the service key, a user's token, or nothing). */
async function withPage(headers: Record<string, string>, use: (page: Page) => Promise<void>, viewport: Viewport = desktop): Promise<void> {
  const context: BrowserContext = await browser.newContext({ extraHTTPHeaders: headers, viewport });
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

/** How the drawn graph reads: its smallest text in CSS pixels (font size times the drawing's scale), and whether it fits its pane unscrolled. */
async function graphReading(page: Page): Promise<{ smallestTextPx: number; texts: number; fits: boolean }> {
  return page.evaluate(() => {
    const sizes = [...document.querySelectorAll("#sync-graph text")].map(
      (text) => Number.parseFloat(getComputedStyle(text).fontSize) * (text.getScreenCTM()?.a ?? 0),
    );
    const pane = document.getElementById("graph-canvas")!;
    return { smallestTextPx: Math.min(...sizes), texts: sizes.length, fits: pane.scrollWidth <= pane.clientWidth + 1 && pane.scrollHeight <= pane.clientHeight + 1 };
  });
}

/**
 * The input and output boxes of a trace entry that cannot be read whole: at the page's width,
 * one runs past its box or the trace, or a long one (shown in part, scrolled) is cut through
 * the middle of a line. Fails the test unless some box is long enough to wrap.
 */
async function unreadableBoxes(entry: Locator): Promise<unknown[]> {
  const boxes = await entry.locator(".record pre").evaluateAll((pres) => {
    const trace = document.getElementById("trace-view")!.getBoundingClientRect();
    return pres.map((pre) => {
      const style = getComputedStyle(pre);
      const lineHeight = Number.parseFloat(style.lineHeight);
      // Scrolled content shows from below the top padding to the box's bottom edge, padding included.
      const shown = pre.clientHeight - Number.parseFloat(style.paddingTop);
      return {
        text: (pre.textContent as string).slice(0, 60),
        lines: pre.scrollHeight / lineHeight,
        overflows: pre.scrollWidth > pre.clientWidth + 1,
        outside: pre.getBoundingClientRect().right > trace.right + 1,
        cutThroughALine: pre.scrollHeight > pre.clientHeight + 1 && Math.abs(shown - Math.round(shown / lineHeight) * lineHeight) > 0.5,
      };
    });
  });
  expect(boxes.some(({ lines }) => lines >= 4)).toBe(true);
  return boxes.filter(({ overflows, outside, cutThroughALine }) => overflows || outside || cutThroughALine);
}

/** Opens the console's graph, as a person does, and waits for the overview it opens on. */
async function openGraph(page: Page): Promise<void> {
  await page.goto(`${server.url}/dev#graph`);
  await page.locator("#sync-graph.overview").waitFor({ timeout: patience });
}

/** The syncs the detailed graph draws, by name, sorted. */
async function drawnSyncs(page: Page): Promise<string[]> {
  return (await page.locator("#sync-graph g.sync").evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-sync") as string))).sort();
}

/** The syncs a feature folder's files export, by name, sorted. */
async function syncsOfFolder(folder: string): Promise<string[]> {
  return (await discoverSyncSources("src/syncs")).filter(({ file }) => file.startsWith(`${folder}/`)).map(({ name }) => name).sort();
}

interface OverviewEdge {
  from: string;
  to: string;
  folder: string | null;
  syncs: string[];
}

async function overviewEdges(): Promise<OverviewEdge[]> {
  return ((await (await fetch(`${server.url}/dev/graph.json`, { headers: asService })).json()) as { overview: OverviewEdge[] }).overview;
}

describe("the dev console in a browser", () => {
  for (const viewport of [desktop, laptop]) {
    it(
      `opens on an overview of every sync that fits the pane with text of 11 px or more, at ${viewport.width}x${viewport.height}`,
      async () => {
        await withPage(
          asService,
          async (page) => {
            await openGraph(page);
            // Every arrow of the overview is drawn, with its count, and together they carry every sync.
            const edges = await overviewEdges();
            // One arrow per direction between two concepts, with a count for each folder whose syncs go that way.
            const drawn = await page
              .locator("#sync-graph g.flow g.count")
              .evaluateAll((chips) => chips.map((chip) => `${chip.getAttribute("data-folder")} ${chip.parentNode.getAttribute("data-from")}>${chip.parentNode.getAttribute("data-to")} ${chip.getAttribute("data-count")}`));
            expect(drawn.sort()).toEqual(edges.map((edge) => `${edge.folder ?? ""} ${edge.from}>${edge.to} ${edge.syncs.length}`).sort());
            expect(new Set(edges.flatMap((edge) => edge.syncs))).toEqual(new Set(focus.engine.syncNames()));
            expect(await page.locator("#sync-graph g.concept-node").count()).toBe(new Set(edges.flatMap((edge) => [edge.from, edge.to])).size);

            const reading = await graphReading(page);
            expect(reading.texts).toBeGreaterThan(edges.length);
            expect(reading.smallestTextPx).toBeGreaterThanOrEqual(11);
            expect(reading.fits).toBe(true);
            // The legend counts each folder's syncs.
            const legend = await page.locator("#graph-legend .legend-item").allTextContents();
            expect(legend).toContain(`completion · ${(await syncsOfFolder("completion")).length} syncs`);
            if (viewport === desktop) await page.screenshot({ path: `${screenshots}graph.png` });
          },
          viewport,
        );
      },
      patience * 2,
    );
  }

  it(
    "opens the detailed graph of an arrow's syncs, legible, and of a feature folder; Actual size opens centred on the content",
    async () => {
      await withPage(
        asService,
        async (page) => {
          await openGraph(page);
          const busiest = (await overviewEdges()).sort((a, b) => b.syncs.length - a.syncs.length)[0]!;
          await page.locator(`#sync-graph g.flow[data-from="${busiest.from}"][data-to="${busiest.to}"] g.count[data-folder="${busiest.folder}"]`).click();
          await page.locator("#sync-graph.detail").waitFor({ timeout: patience });
          expect(await drawnSyncs(page)).toEqual([...busiest.syncs].sort());
          expect((await graphReading(page)).smallestTextPx).toBeGreaterThanOrEqual(11);
          expect(await page.locator("#graph-context").textContent()).toBe(`${busiest.folder}: ${busiest.from} → ${busiest.to}`);

          await page.click("#graph-back");
          await page.locator("#sync-graph.overview").waitFor({ timeout: patience });
          const folder = "study-sessions-v1";
          await page.click(`#graph-legend .legend-item[data-folder="${folder}"]`);
          await page.locator("#sync-graph.detail").waitFor({ timeout: patience });
          await expect.poll(() => drawnSyncs(page)).toEqual(await syncsOfFolder(folder));
          expect((await graphReading(page)).smallestTextPx).toBeGreaterThanOrEqual(11);

          // Actual size: one layout unit to a pixel, scrolled to the middle, with syncs in view.
          await page.click("#graph-zoom");
          expect(await page.locator("#sync-graph").getAttribute("data-scale")).toBe("1");
          const inView = await page.evaluate(() => {
            const pane = document.getElementById("graph-canvas")!;
            const box = pane.getBoundingClientRect();
            const centred = Math.abs(pane.scrollLeft - (pane.scrollWidth - pane.clientWidth) / 2) <= 1 && Math.abs(pane.scrollTop - (pane.scrollHeight - pane.clientHeight) / 2) <= 1;
            const visible = [...document.querySelectorAll("#sync-graph g.sync, #sync-graph g.op")].filter((node) => {
              const rect = node.getBoundingClientRect();
              return rect.right > box.left && rect.left < box.right && rect.bottom > box.top && rect.top < box.bottom;
            });
            return { centred, visible: visible.length };
          });
          expect(inView.centred).toBe(true);
          expect(inView.visible).toBeGreaterThan(3);
        },
        laptop,
      );
    },
    patience * 2,
  );

  it(
    "shows a sync's file and clauses on click, keeps the others legible, wraps long names, and clears the selection when the filter changes",
    async () => {
      await withPage(
        asService,
        async (page) => {
          await openGraph(page);
          const completionSyncs = await syncsOfFolder("completion");
          await page.selectOption("#graph-folder", "completion");
          await expect.poll(() => drawnSyncs(page), { timeout: patience }).toEqual(completionSyncs);
          await page.locator('#sync-graph g.sync[data-sync="CompletedSessionEvaluatesBadges"]').click();
          const details = page.locator("#graph-details");
          await expect.poll(() => details.textContent()).toContain("src/syncs/completion/evaluate-badges.sync.ts");
          expect(await details.textContent()).toContain("Badge.evaluate { user: ?user");
          // The long name and clauses wrap inside the panel rather than run out of it.
          expect(await details.evaluate((panel) => panel.scrollWidth <= panel.clientWidth + 1)).toBe(true);
          // The syncs not selected are dimmed, not faded out.
          const others = await page.locator("#sync-graph g.sync.dim").evaluateAll((nodes) => nodes.map((node) => Number(getComputedStyle(node).opacity)));
          expect(others).toHaveLength(completionSyncs.length - 1);
          for (const opacity of others) expect(opacity).toBeGreaterThanOrEqual(0.5);

          // Away from the drawing (a sync under the pointer would show itself on hover), then another folder.
          await page.mouse.move(0, 0);
          await page.selectOption("#graph-folder", "focus-flow-v1");
          await expect.poll(() => page.locator('#sync-graph g.sync[data-sync="CompletedSessionEvaluatesBadges"]').count(), { timeout: patience }).toBe(0);
          expect(await details.textContent()).not.toContain("CompletedSessionEvaluatesBadges");
          expect(await page.locator("#graph-details-name").count()).toBe(0);
        },
        laptop,
      );
    },
    patience * 2,
  );

  it(
    "says, in an empty live trace, what to do to see a flow",
    async () => {
      await withPage(asService, async (page) => {
        await openLive(page, "trace");
        await page.click("#trace-clear");
        expect(await page.locator("#trace-list > li").count()).toBe(0);
        const hint = page.locator("#trace-empty");
        expect(await hint.isVisible()).toBe(true);
        expect(await hint.textContent()).toMatch(/Playground.*\/docs.*from the log/s);
      });
    },
    patience,
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
        expect(await unreadableBoxes(explained)).toEqual([]);

        // From the trace to the graph: the sync that awarded it, selected there.
        await explained.locator('a[data-sync="CompletedSessionEvaluatesBadges"]').click();
        await expect.poll(() => page.locator("body").getAttribute("data-view")).toBe("graph");
        await expect.poll(() => page.locator("#graph-details-name").textContent(), { timeout: patience }).toBe("CompletedSessionEvaluatesBadges");
        expect(await page.locator('#sync-graph g.sync.selected[data-sync="CompletedSessionEvaluatesBadges"]').count()).toBe(1);
      }, laptop);
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
        expect(await unreadableBoxes(fromLog.first())).toEqual([]);
        await page.screenshot({ path: `${screenshots}trace.png` });

        const shownEntries = () => page.locator("#trace-list > li").count();
        await page.fill("#trace-user", "someone-else");
        await expect.poll(shownEntries).toBe(0);
        await page.fill("#trace-user", "log-gr");
        await expect.poll(shownEntries).toBe(2);
        await page.click("#trace-clear");
        await expect.poll(shownEntries).toBe(0);
      }, laptop);
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
