/**
 * `GET /docs`: Swagger UI over `/openapi.json`. Its assets come from the installed
 * `swagger-ui-dist` package rather than a CDN, so the page works on a machine without internet.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { swaggerUI } from "@hono/swagger-ui";
import type { Hono } from "hono";
import type { HttpEnv } from "./principal.ts";

/** `@hono/swagger-ui` asks for `<baseUrl>/swagger-ui-dist/<file>`. */
const assetsBase = "/docs/assets";

const assetTypes: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

export function registerDocs(app: Hono<HttpEnv>): void {
  const assetsDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));
  const cache = new Map<string, Promise<Buffer>>();

  // Credentials typed into "Authorize" last until the page is reloaded: with persistAuthorization
  // they would sit in localStorage, readable by any script of this origin, long after use.
  app.get("/docs", swaggerUI({ url: "/openapi.json", baseUrl: assetsBase, title: "focus-backend API", persistAuthorization: false }));
  app.get(`${assetsBase}/swagger-ui-dist/:file`, async (c) => {
    const file = c.req.param("file");
    // Own names only: `__proto__` or `toString` would find Object.prototype's members.
    const type = Object.hasOwn(assetTypes, file) ? assetTypes[file] : undefined;
    if (type === undefined) return c.json({ error: "not found" }, 404);
    let content = cache.get(file);
    if (content === undefined) {
      content = readFile(join(assetsDir, file));
      cache.set(file, content);
    }
    return c.body(new Uint8Array(await content), 200, { "content-type": type, "cache-control": "public, max-age=86400" });
  });
}
