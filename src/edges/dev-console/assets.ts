/**
 * The page and its assets: the console's own files from `static/`, and the layout and chart
 * libraries from node_modules (no CDN: the page works offline). Only the files named here are
 * served, read once and kept.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { quoted } from "../../utils/quote.ts";
import { HttpError } from "../http/errors.ts";

const require = createRequire(import.meta.url);
const own = (name: string) => fileURLToPath(new URL(`./static/${name}`, import.meta.url));

const files: Readonly<Record<string, string>> = {
  "console.css": own("console.css"),
  "console.js": own("console.js"),
  "dom.js": own("dom.js"),
  "graph-view.js": own("graph-view.js"),
  "graph-overview.js": own("graph-overview.js"),
  "graph-detail.js": own("graph-detail.js"),
  "graph-fit.js": own("graph-fit.js"),
  "trace-view.js": own("trace-view.js"),
  "playground.js": own("playground.js"),
  "elk.bundled.js": require.resolve("elkjs/lib/elk.bundled.js"),
  "uPlot.iife.min.js": require.resolve("uplot/dist/uPlot.iife.min.js"),
  "uPlot.min.css": require.resolve("uplot/dist/uPlot.min.css"),
};

const types: Readonly<Record<string, string>> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  html: "text/html; charset=utf-8",
};

// Scripts and styles from this server only; the libraries need inline style attributes.
const contentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:";

const cache = new Map<string, Promise<string>>();

function read(path: string): Promise<string> {
  let text = cache.get(path);
  if (text === undefined) {
    text = readFile(path, "utf8");
    cache.set(path, text);
  }
  return text;
}

export async function pageResponse(): Promise<Response> {
  return new Response(await read(own("index.html")), {
    headers: { "content-type": types.html as string, "content-security-policy": contentSecurityPolicy, "cache-control": "no-store" },
  });
}

export async function assetResponse(name: string): Promise<Response> {
  const path = Object.hasOwn(files, name) ? files[name] : undefined;
  if (path === undefined) throw new HttpError(404, `no dev console asset ${quoted(name)}`);
  const type = types[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";
  return new Response(await read(path), { headers: { "content-type": type, "cache-control": "no-cache" } });
}
