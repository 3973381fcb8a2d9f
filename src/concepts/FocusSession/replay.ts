/**
 * Answering a repeated idempotency key with the original outcome. The engine runs an action
 * again, with the same key, when its effect may have happened but its record was lost in a
 * crash; the session document remembers the keys of its latest successful changes (written in
 * the same update as the change itself), so the repeat answers what the first call answered
 * instead of "conflict", and the syncs that follow the action still fire.
 */

/** A successful change and what it answered. */
export interface RememberedChange<Output = unknown> {
  readonly key: string;
  readonly output: Output;
}

/**
 * How many changes a session remembers. A resumed action is repeated soon after the crash,
 * so only a change overtaken by this many later ones would be decided again.
 */
export const rememberedChangesPerSession = 8;

/** How long a deleted session's answer is kept for a repeated delete (as long as the engine keeps its log). */
export const deletionReplaySeconds = 7 * 24 * 3600;

/** The output first answered for `key`, if the change is remembered. */
export function replayed(changes: readonly RememberedChange[] | undefined, key: string | undefined): RememberedChange | undefined {
  if (key === undefined || changes === undefined) return undefined;
  return changes.find((change) => change.key === key);
}

/** The remembered changes once `key` answered `output`: the newest last, the oldest forgotten. */
export function remember(changes: readonly RememberedChange[] | undefined, key: string, output: unknown): RememberedChange[] {
  return [...(changes ?? []).slice(1 - rememberedChangesPerSession), { key, output }];
}
