import { describe, expect, it } from "vitest";
import { ConfigError, isLoopback, loadConfig } from "../../src/edges/config.ts";

describe("configuration from the environment", () => {
  it("uses the documented defaults when nothing is set", () => {
    expect(loadConfig({})).toEqual({
      port: 8000,
      host: "127.0.0.1",
      mongodbUrl: undefined,
      dbName: "focus",
      dataDir: "./data",
      apiKey: undefined,
      jwtSecret: undefined,
      open: true,
      corsOrigins: ["*"],
      bodyLimitBytes: 1024 * 1024,
      logLevel: "info",
      engineLog: "off",
      engineLeaseSeconds: 30,
      routePlaceholders: { FLOW_BASE_PATH: "/api/flow/v1/sessions" },
      benchBareRoute: false,
      requestingBaseUrl: "/api",
      requestingTimeoutMs: 10_000,
      requestingMaxWaiting: 256,
      errorStatus: "4xx",
    });
  });

  it("reads the 6.1040 template's settings, and refuses a timeout that is not a number", () => {
    expect(loadConfig({ REQUESTING_BASE_URL: "/v2", REQUESTING_TIMEOUT: "250", ERROR_STATUS: "200" })).toMatchObject({
      requestingBaseUrl: "/v2",
      requestingTimeoutMs: 250,
      errorStatus: "200",
    });
    expect(() => loadConfig({ REQUESTING_TIMEOUT: "soon" })).toThrow(/REQUESTING_TIMEOUT/);
    expect(() => loadConfig({ ERROR_STATUS: "500" })).toThrow(/ERROR_STATUS/);
  });

  it("reads every variable it documents", () => {
    const config = loadConfig({
      PORT: "0",
      HOST: "0.0.0.0",
      MONGODB_URL: "mongodb://db.example:27017",
      MONGODB_DB: "focus_test",
      DATA_DIR: "/var/lib/focus",
      API_KEY: "k",
      JWT_SECRET: "s",
      CORS_ORIGINS: "https://a.example, https://b.example",
      BODY_LIMIT: "2048",
      LOG_LEVEL: "warn",
      ENGINE_LOG: "verbose",
      FLOW_BASE_PATH: "/flow",
    });
    expect(config).toMatchObject({
      port: 0,
      host: "0.0.0.0",
      mongodbUrl: "mongodb://db.example:27017",
      dbName: "focus_test",
      dataDir: "/var/lib/focus",
      apiKey: "k",
      jwtSecret: "s",
      open: false,
      corsOrigins: ["https://a.example", "https://b.example"],
      bodyLimitBytes: 2048,
      logLevel: "warn",
      engineLog: "verbose",
      routePlaceholders: { FLOW_BASE_PATH: "/flow" },
    });
  });

  it("treats a variable set to the empty string as unset", () => {
    expect(loadConfig({ API_KEY: "", PORT: "", MONGODB_URL: "" })).toMatchObject({ apiKey: undefined, port: 8000, open: true, mongodbUrl: undefined });
  });

  it("is closed as soon as either an API key or a JWT secret is set", () => {
    expect(loadConfig({ API_KEY: "k" }).open).toBe(false);
    expect(loadConfig({ JWT_SECRET: "s" }).open).toBe(false);
  });

  it("refuses to run open on a non-loopback address, saying what to do", () => {
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: "0.0.0.0" })).toThrow(/set API_KEY or JWT_SECRET/);
    expect(() => loadConfig({ HOST: "192.168.1.10" })).toThrow(ConfigError);
  });

  it("runs open on any loopback address", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"]) expect(loadConfig({ HOST: host }).host).toBe(host);
  });

  it("names every malformed variable", () => {
    expect(() => loadConfig({ PORT: "eighty", BODY_LIMIT: "-1", LOG_LEVEL: "loud", FLOW_BASE_PATH: "flow" })).toThrow(
      /PORT: .*; BODY_LIMIT: .*; LOG_LEVEL: .*; FLOW_BASE_PATH: must be a path/,
    );
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT/);
  });
});

describe("loopback addresses", () => {
  it("are 127.0.0.0/8, ::1 and localhost, and nothing else", () => {
    expect(["127.0.0.1", "127.255.0.1", "::1", "localhost", "LOCALHOST"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.example.com", "1270.0.0.1"].some(isLoopback)).toBe(false);
  });
});
