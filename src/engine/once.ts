/**
 * Work a concept must do once before serving (creating its indexes, seeding defaults),
 * done lazily so that constructing a concept stays synchronous.
 */

/**
 * Wraps `task` so that every call awaits the same single run. A failed run (the database
 * was unreachable) is forgotten, so the next call tries again instead of failing forever.
 */
export function once(task: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => {
    running ??= task().catch((error: unknown) => {
      running = undefined;
      throw error;
    });
    return running;
  };
}
