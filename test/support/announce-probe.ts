/**
 * Preloaded into a server under test (`node --import tsx --import <this file>`): just before
 * the process writes the line with its address (an `http://` URL after "listening on", or a
 * `mongodb://` URI), it writes `stop-signals-handled SIGTERM=<n> SIGINT=<n>` with the number
 * of listeners each signal has at that moment. A script that reads the address may stop the
 * process at once, so by then the signals must already lead to the orderly shutdown.
 */
const announces = /listening on http:\/\/|^mongodb:\/\//m;
const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
  if (announces.test(String(chunk))) {
    write(`stop-signals-handled SIGTERM=${process.listenerCount("SIGTERM")} SIGINT=${process.listenerCount("SIGINT")}\n`);
  }
  return write(chunk, ...rest);
}) as typeof process.stdout.write;
