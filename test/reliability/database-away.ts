/** What the tests of a database gone away share: timed requests, and a restart of `npm run db` on its port. */
import { loadApiKey } from "../support/focus-load.ts";
import { startSharedDatabase, type SharedDatabase } from "../support/server-process.ts";
import { sleep } from "./harness.ts";

export interface Sent {
  label: string;
  status: number;
  body: unknown;
  text: string;
  retryAfter: string | null;
  connection: string | null;
  /** The `x-flow-id` header, when the answer names its flow. */
  flow: string | null;
  /** From sending to the whole answer read. */
  ms: number;
}

/** One request with the service key; status 0 when no answer came within 60 s. */
export async function send(url: string, method: string, path: string, body?: object, headers: Record<string, string> = {}): Promise<Sent> {
  const label = `${method} ${path}`;
  const sentAt = Date.now();
  try {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { "content-type": "application/json", "x-api-key": loadApiKey, ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    const common = { label, status: response.status, body: parsed, text: text.slice(0, 300), ms: Date.now() - sentAt };
    const answered = response.headers;
    return { ...common, retryAfter: answered.get("retry-after"), connection: answered.get("connection"), flow: answered.get("x-flow-id") };
  } catch (error) {
    return { label, status: 0, body: undefined, text: String(error), retryAfter: null, connection: null, flow: null, ms: Date.now() - sentAt };
  }
}

/** Restarts `npm run db` on the DATA_DIR and port it had; a port still held for a moment is tried again. */
export async function restartDatabase(dataDir: string, port: number): Promise<SharedDatabase> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await startSharedDatabase(dataDir, { port });
    } catch (error) {
      if (attempt >= 10 || !String(error).includes("EADDRINUSE")) throw error;
      await sleep(200);
    }
  }
}
