import { MongoClient } from "mongodb";
import { describe, expect, it } from "vitest";
import { notebookApp, json } from "./harness.ts";
import { useTestDatabase } from "../support/database.ts";
import { NotebookSchemas } from "./notebook.ts";

const database = useTestDatabase();

describe("GET /health", () => {
  it("answers 200 while the database answers a ping", async () => {
    const { app } = notebookApp(database.db);
    const response = await app.request("/health");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });

  it("answers 503 while the database is unreachable", async () => {
    // A real driver pointed at a port where nothing listens.
    const client = new MongoClient("mongodb://127.0.0.1:9/", { serverSelectionTimeoutMS: 200 });
    try {
      const { app } = notebookApp(client.db("unreachable"));
      const response = await app.request("/health");
      expect(response.status).toBe(503);
      expect(await json(response)).toEqual({ error: "database unreachable" });
    } finally {
      await client.close();
    }
  });
});

describe("GET /openapi.json", () => {
  async function document() {
    const { app } = notebookApp(database.db);
    const response = await app.request("/openapi.json");
    expect(response.status).toBe(200);
    return json(response);
  }

  it("is an OpenAPI 3.1 document with both ways to authenticate", async () => {
    const openApi = await document();
    expect(openApi.openapi).toBe("3.1.0");
    expect(Object.keys(openApi.components.securitySchemes)).toEqual(["apiKey", "bearer"]);
  });

  it("describes every concept operation served, from its zod schemas", async () => {
    const { paths } = await document();
    for (const name of Object.keys(NotebookSchemas)) expect(paths[`/api/Notebook/${name}`]?.post).toBeDefined();
    expect(paths["/api/Requesting/request"]).toBeUndefined();

    const write = paths["/api/Notebook/write"].post;
    const input = write.requestBody.content["application/json"].schema;
    expect(input.required).toEqual(["user", "text"]);
    expect(input.properties.text).toEqual({ type: "string", minLength: 1, maxLength: 100 });
    expect(write.responses["200"].content["application/json"].schema.properties.writtenAt).toEqual({ type: "string", format: "date-time" });
    expect(Object.keys(write.responses)).toEqual(["200", "400", "401", "403", "404", "409", "413", "422"]);
    expect(write.parameters).toEqual([expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false })]);

    const query = paths["/api/Notebook/_notes"].post.responses["200"].content["application/json"].schema;
    expect(query.type).toBe("array");
    expect(paths["/api/Notebook/_notes"].post.parameters).toBeUndefined();
    expect(paths["/api/Notebook/stamp"].post.description).toMatch(/Only synchronizations and trusted services/);
  });

  it("describes every REST route syncs declare, with its method, path parameters and base path resolved", async () => {
    const { paths } = await document();
    expect(paths["/notes/{topic}"].post.parameters[0]).toEqual({ name: "topic", in: "path", required: true, schema: { type: "string" } });
    expect(paths["/echo/{what}"].get).toBeDefined();
    expect(paths["/echo/special"].get).toBeDefined();
    expect(paths["/api/flow/v1/sessions/{id}"].delete.operationId).toBe("DELETE {FLOW_BASE_PATH}/:id");
    expect(paths["/forgotten"].put).toBeDefined();
    expect(paths["/notes/{topic}"].post.parameters.map((parameter: { name: string }) => parameter.name)).toContain("Idempotency-Key");
    expect(paths["/echo/{what}"].get.parameters.map((parameter: { name: string }) => parameter.name)).not.toContain("Idempotency-Key");
  });

  it("groups REST routes by the base path they share", async () => {
    const { paths } = await document();
    expect(paths["/echo/special"].get.tags).toEqual(["/echo"]);
    expect(paths["/echo/{what}"].get.tags).toEqual(["/echo"]);
  });
});

describe("GET /", () => {
  it("is public and leads to the documentation, credentials or not", async () => {
    const { app } = notebookApp(database.db);
    const landing = await app.request("/");
    expect(landing.status).toBe(302);
    expect(landing.headers.get("location")).toBe("/docs");
  });
});

describe("GET /docs", () => {
  it("renders Swagger UI over /openapi.json with assets served by this server, not a CDN", async () => {
    const { app } = notebookApp(database.db);
    const page = await (await app.request("/docs")).text();
    expect(page).toContain("url: '/openapi.json'");
    expect(page).toContain('href="/docs/assets/swagger-ui-dist/swagger-ui.css"');
    expect(page).toContain('src="/docs/assets/swagger-ui-dist/swagger-ui-bundle.js"');
    expect(page).not.toMatch(/https?:\/\//);

    const script = await app.request("/docs/assets/swagger-ui-dist/swagger-ui-bundle.js");
    expect(script.status).toBe(200);
    expect(script.headers.get("content-type")).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    const css = await app.request("/docs/assets/swagger-ui-dist/swagger-ui.css");
    expect(css.headers.get("content-type")).toMatch(/css/);
  });

  it("forgets credentials on reload: Swagger UI keeps no key or token in the browser's storage", async () => {
    const { app } = notebookApp(database.db);
    const page = await (await app.request("/docs")).text();
    expect(page).toContain("SwaggerUIBundle({");
    // Swagger UI keeps what was typed in "Authorize" in localStorage only with persistAuthorization on (its default is off).
    expect(page).not.toMatch(/persistAuthorization\s*:\s*true/);
  });

  it("serves no other file from the package", async () => {
    const { app } = notebookApp(database.db);
    for (const file of ["package.json", "..%2F..%2Fpackage.json", "index.html", "__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect((await app.request(`/docs/assets/swagger-ui-dist/${file}`)).status).toBe(404);
    }
  });
});

describe("CORS", () => {
  it("answers preflight requests without credentials, allowing the auth headers", async () => {
    const { app } = notebookApp(database.db, { corsOrigins: ["https://app.example"] });
    const response = await app.request("/api/Notebook/write", {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("gives an allowed origin's ordinary request the origin, the exposed flow header and Vary", async () => {
    const { app } = notebookApp(database.db, { corsOrigins: ["https://app.example"] });
    const response = await app.request("/health", { headers: { origin: "https://app.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(response.headers.get("access-control-expose-headers")).toMatch(/./);
    expect(response.headers.get("vary")).toBe("Origin");
    expect(response.headers.get("content-type")).toMatch(/json/);
  });

  it("allows every origin when configured with *, on answers of routes and of refusals alike", async () => {
    const { app } = notebookApp(database.db, { corsOrigins: ["*"] });
    for (const path of ["/health", "/no/such/route"]) {
      const response = await app.request(path, { headers: { origin: "https://any.example" } });
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("vary")).toBeNull();
    }
  });

  it("names no origin it was not configured with", async () => {
    const { app } = notebookApp(database.db, { corsOrigins: ["https://app.example"] });
    const response = await app.request("/health", { headers: { origin: "https://evil.example" } });
    expect(response.headers.get("access-control-allow-origin")).toBeNull();
  });
});
