/**
 * Identical reads asked in one turn of the event loop share one call. Fifty clients polling
 * the same dashboard, or the sibling syncs of one route, each ask a concept the same query
 * with the same input; a hand-written handler sends each to the database. Here the engine
 * sees them all: it holds each read until the turn ends (`setImmediate`), then runs every
 * distinct one once and gives each asker the same answer.
 *
 * Why an asker still reads what was written before it asked: the shared call starts after
 * every asker has asked, so any write acknowledged before one of them asked is visible to
 * it, exactly as if it had run alone. (Joining a call already sent would not be: a write
 * acknowledged by another server in between could be missed.)
 *
 * The answer's rows are shared among the askers: like every value in a frame, they are
 * read, never changed in place.
 */

interface Waiting {
  readonly call: () => Promise<unknown>;
  readonly askers: { resolve(value: unknown): void; reject(reason: unknown): void }[];
}

export class SharedReads {
  private turn: Map<string, Waiting> | undefined;

  /** Runs `call` after this turn, once for every read asked in it under the same `key`. */
  read(key: string, call: () => Promise<unknown>): Promise<unknown> {
    let turn = this.turn;
    if (turn === undefined) {
      turn = this.turn = new Map();
      setImmediate(() => this.endTurn());
    }
    let waiting = turn.get(key);
    if (waiting === undefined) {
      waiting = { call, askers: [] };
      turn.set(key, waiting);
    }
    const { askers } = waiting;
    return new Promise((resolve, reject) => askers.push({ resolve, reject }));
  }

  private endTurn(): void {
    const turn = this.turn;
    this.turn = undefined;
    if (turn === undefined) return;
    for (const { call, askers } of turn.values()) {
      let answer: Promise<unknown>;
      try {
        answer = call();
      } catch (error) {
        answer = Promise.reject(error);
      }
      answer.then(
        (value) => {
          for (const asker of askers) asker.resolve(value);
        },
        (error: unknown) => {
          for (const asker of askers) asker.reject(error);
        },
      );
    }
  }
}

/** The key of a read: the operation and its parsed input (dates by their instant, so they never meet a string). */
export function readKey(concept: string, name: string, input: unknown): string {
  return `${concept}.${name}\u0000${JSON.stringify(input, tagDates)}`;
}

function tagDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? `\u0000date:${original.getTime()}` : value;
}
