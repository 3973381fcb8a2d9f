/**
 * The prober's own process (see health-prober.ts): `node health-probe-child.mjs <url>
 * <intervalMs> [giveUpMs]` writes one line per probe, "<status> <ms>", status 000 when no
 * answer came (the connection closed, or nothing came within giveUpMs, 5 s unless given).
 *
 * One kept-alive socket and a request written by hand: the prober must add as little of its
 * own as it can to what it measures. With `fetch` (undici), its own pauses on a loaded machine
 * (a 45 ms event-loop delay with a collection was seen next to a 181 ms probe) counted as the
 * server's delay.
 */
/* global Buffer, URL, clearTimeout, console, performance, process, setTimeout */
import { connect } from "node:net";

const target = new URL(process.argv[2]);
const intervalMs = Number(process.argv[3]);
const request = Buffer.from(`GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\n\r\n`);
const headEnd = Buffer.from("\r\n\r\n");
const lastChunk = Buffer.from("0\r\n\r\n");
const giveUpMs = Number(process.argv[4] ?? 5_000);

let socket;
let pending = Buffer.alloc(0);
let began = 0;
let waiting = false;
let timer;

function report(status) {
  waiting = false;
  clearTimeout(timer);
  console.log(`${status} ${(performance.now() - began).toFixed(1)}`);
  setTimeout(probe, intervalMs);
}

function open() {
  pending = Buffer.alloc(0);
  const opened = connect(Number(target.port), target.hostname);
  opened.setNoDelay(true);
  opened.on("data", (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    const end = responseEnd(pending);
    if (end === undefined) return;
    const status = pending.toString("latin1", 9, 12);
    pending = pending.subarray(end);
    if (waiting) report(status);
  });
  opened.on("error", () => {});
  opened.on("close", () => {
    if (socket === opened) socket = undefined;
    if (waiting) report("000");
  });
  return opened;
}

/** Where the first whole response in `bytes` ends, if it is all there (Content-Length or chunked). */
function responseEnd(bytes) {
  const head = bytes.indexOf(headEnd);
  if (head < 0) return undefined;
  const headers = bytes.toString("latin1", 0, head);
  if (/\r\ntransfer-encoding: *chunked/i.test(headers)) {
    const last = bytes.indexOf(lastChunk, head + 4);
    return last < 0 ? undefined : last + lastChunk.length;
  }
  const end = head + 4 + Number(/\r\ncontent-length: *(\d+)/i.exec(headers)?.[1] ?? 0);
  return bytes.length < end ? undefined : end;
}

function probe() {
  socket ??= open();
  began = performance.now();
  waiting = true;
  timer = setTimeout(() => socket?.destroy(), giveUpMs);
  socket.write(request);
}

probe();
