/**
 * The benchmark's /health prober counts every probe: answered 200 (timed), answered otherwise,
 * cut off, or not answered at all; whether the answer comes with a length or in chunks.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, expect, it } from "vitest";
import { startHealthProber } from "../../bench/support/health-prober.ts";

let server: Server | undefined;
afterEach(() => server?.close());

it("times the answers 200 and counts the rest as failures", async () => {
  let requests = 0;
  server = createServer((request, response) => {
    requests += 1;
    if (requests === 3) return void request.socket.destroy(); // cut off
    if (requests === 5) return; // never answered
    if (requests === 7) return void response.writeHead(503, { "content-length": "2" }).end("{}");
    if (requests % 2 === 0) return void response.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}'); // chunked
    response.writeHead(200, { "content-length": "15" }).end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const prober = startHealthProber(`http://127.0.0.1:${(server.address() as AddressInfo).port}/health`, 5, 300);
  await expect.poll(() => requests, { timeout: 10_000 }).toBeGreaterThanOrEqual(12);
  const { okMs, failures } = await prober.stop();
  expect(failures).toBe(3);
  expect(okMs.length).toBeGreaterThanOrEqual(8);
  expect(okMs.every((ms) => ms >= 0 && ms < 300)).toBe(true);
}, 20_000);
