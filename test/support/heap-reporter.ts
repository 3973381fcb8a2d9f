/**
 * Preloaded into a server under test (`node --expose-gc --import tsx --import <this file>`):
 * once a second, a full garbage collection, then the heap still in use on stderr as
 * `heap-after-gc <bytes>`. What survives a full collection is what the process keeps, so a
 * leak shows within seconds, where RSS only climbs and falls with the collector's rhythm.
 */
const collect = (globalThis as { gc?: () => void }).gc;
if (collect === undefined) throw new Error("heap-reporter needs node --expose-gc");
setInterval(() => {
  collect();
  process.stderr.write(`heap-after-gc ${process.memoryUsage().heapUsed}\n`);
}, 1000).unref();
