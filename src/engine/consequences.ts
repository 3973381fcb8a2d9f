/**
 * Which operations have consequences that must survive a crash: an operation is
 * *consequential* when some sync watching it runs an action of a concept with durable state,
 * or an action that is itself consequential. Recovery cares only about those: a lost record
 * of any other action (a read, an HTTP answer) loses nothing a restart could make good.
 */
import type { Matcher } from "./matcher.ts";
import { operationKey } from "./sync.ts";

export class Consequences {
  private known = new Map<string, boolean>();

  constructor(
    private readonly matcher: Matcher,
    private readonly isEphemeral: (concept: string) => boolean,
  ) {}

  /** Forget what was worked out: a sync or a concept was registered. */
  reset(): void {
    this.known = new Map();
  }

  consequential(concept: string, action: string): boolean {
    return this.of(operationKey(concept, action), new Set());
  }

  private of(operation: string, visiting: Set<string>): boolean {
    const known = this.known.get(operation);
    if (known !== undefined) return known;
    if (visiting.has(operation)) return false;
    visiting.add(operation);
    const result = this.matcher
      .watchersOf(operation)
      .some((sync) => sync.then.some((then) => !this.isEphemeral(then.concept) || this.of(operationKey(then.concept, then.action), visiting)));
    visiting.delete(operation);
    // Only a whole answer is kept: inside a cycle, a partial one could be wrong.
    if (visiting.size === 0) this.known.set(operation, result);
    return result;
  }
}
