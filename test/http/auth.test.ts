import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { apiKey, asService, asUser, jwtSecret, notebookApp, post, userToken, json } from "./harness.ts";
import { useTestDatabase } from "../support/database.ts";

const database = useTestDatabase();

const readStamps = { user: "ada" };

describe("authentication with an API key and a JWT secret set", () => {
  it("refuses a request with no credentials with 401 and a JSON error", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/_stamps", readStamps, {});
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe("Bearer");
    expect(await json(response)).toEqual({ error: expect.stringMatching(/missing credentials/) });
  });

  it("refuses a wrong API key with 401", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/_stamps", readStamps, { "x-api-key": `${apiKey}-wrong` });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: "invalid API key" });
  });

  it("accepts the API key in x-api-key, and as a bearer token", async () => {
    const { app } = notebookApp(database.db);
    expect((await post(app, "/api/Notebook/_stamps", readStamps, asService)).status).toBe(200);
    expect((await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${apiKey}` })).status).toBe(200);
  });

  it("accepts a bearer token signed with the secret, as the user named by sub", async () => {
    const { app } = notebookApp(database.db);
    const response = await post(app, "/api/Notebook/_stamps", {}, await asUser("ada"));
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual([{ stamps: 0 }]);
  });

  it("refuses a token signed with another secret (forged) with 401", async () => {
    const { app } = notebookApp(database.db);
    const forged = await userToken("ada", { secret: "not-the-secret" });
    const response = await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${forged}` });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: "invalid or expired bearer token" });
  });

  it("refuses an expired token with 401", async () => {
    const { app } = notebookApp(database.db);
    const expired = await userToken("ada", { expiresInSeconds: -60 });
    expect((await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${expired}` })).status).toBe(401);
  });

  it("refuses a token whose payload was altered after signing with 401", async () => {
    const { app } = notebookApp(database.db);
    const [header, , signature] = (await userToken("ada")).split(".");
    const payload = Buffer.from(JSON.stringify({ sub: "grace", exp: Math.floor(Date.now() / 1000) + 3600 })).toString("base64url");
    const response = await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${header}.${payload}.${signature}` });
    expect(response.status).toBe(401);
  });

  it("refuses a token signed with another algorithm (none or HS512) with 401", async () => {
    const { app } = notebookApp(database.db);
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const hs512 = await sign({ sub: "ada", exp }, jwtSecret, "HS512");
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "ada", exp })).toString("base64url")}.`;
    for (const token of [hs512, none]) {
      expect((await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${token}` })).status).toBe(401);
    }
  });

  it("refuses a valid token without a subject with 401", async () => {
    const { app } = notebookApp(database.db);
    const token = await sign({ exp: Math.floor(Date.now() / 1000) + 3600 }, jwtSecret, "HS256");
    const response = await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: "bearer token has no subject (sub)" });
  });

  it("refuses a valid token without an expiry (exp) with 401: it would never expire", async () => {
    const { app } = notebookApp(database.db);
    const token = await sign({ sub: "ada", iat: Math.floor(Date.now() / 1000) }, jwtSecret, "HS256");
    const response = await post(app, "/api/Notebook/_stamps", readStamps, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({ error: "bearer token has no expiry (exp)" });
  });

  it("refuses a subject with a lone UTF-16 surrogate with 401: it cannot be stored as it is", async () => {
    const { app } = notebookApp(database.db);
    // Stored, a lone surrogate becomes U+FFFD: "x\uD800", "x\uDFFF" and "x\uFFFD" would be one user.
    for (const sub of ["x\uD800", "x\uDFFF", "\uDC00x"]) {
      const response = await post(app, "/api/Notebook/_stamps", {}, { authorization: `Bearer ${await userToken(sub)}` });
      expect(response.status).toBe(401);
      expect(await json(response)).toEqual({ error: "bearer token's subject (sub) is not well-formed text" });
    }
    // U+FFFD itself is an ordinary character, and a pair of surrogates is one: both are users.
    for (const sub of ["x\uFFFD", "x\uD83D\uDE00"]) {
      const response = await post(app, "/api/Notebook/_stamps", {}, { authorization: `Bearer ${await userToken(sub)}` });
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual([{ stamps: 0 }]);
    }
  });

  it("refuses a malformed Authorization header with 401", async () => {
    const { app } = notebookApp(database.db);
    for (const authorization of ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not.a.jwt"]) {
      expect((await post(app, "/api/Notebook/_stamps", readStamps, { authorization })).status).toBe(401);
    }
  });

  it("asks for credentials on unknown routes too, so they reveal nothing", async () => {
    const { app } = notebookApp(database.db);
    expect((await app.request("/api/Nothing/here", { method: "POST" })).status).toBe(401);
  });

  it("keeps health, the OpenAPI document and the docs public", async () => {
    const { app } = notebookApp(database.db);
    for (const path of ["/health", "/openapi.json", "/docs"]) expect((await app.request(path)).status).toBe(200);
  });
});

describe("authentication with only one secret set", () => {
  it("with only JWT_SECRET, refuses any x-api-key but accepts tokens", async () => {
    const { app } = notebookApp(database.db, { apiKey: undefined });
    expect((await post(app, "/api/Notebook/_stamps", readStamps, { "x-api-key": apiKey })).status).toBe(401);
    expect((await post(app, "/api/Notebook/_stamps", {}, await asUser("ada"))).status).toBe(200);
  });

  it("with only API_KEY, refuses bearer tokens that are not the key", async () => {
    const { app } = notebookApp(database.db, { jwtSecret: undefined });
    expect((await post(app, "/api/Notebook/_stamps", readStamps, await asUser("ada"))).status).toBe(401);
    expect((await post(app, "/api/Notebook/_stamps", readStamps, asService)).status).toBe(200);
  });
});

describe("open mode (neither secret set)", () => {
  it("treats every caller as a trusted service that names the user", async () => {
    const { app } = notebookApp(database.db, { apiKey: undefined, jwtSecret: undefined });
    const response = await post(app, "/api/Notebook/stamp", { user: "ada" }, {});
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ stamps: 1 });
  });
});
