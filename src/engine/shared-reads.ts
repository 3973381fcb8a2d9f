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
 * A query that can answer many inputs in one call (`QuerySchema.many`) goes further: its
 * distinct reads of the turn are asked together, one call for all of them.
 *
 * The answer's rows are shared among the askers: like every value in a frame, they are
 * read, never changed in place.
 */

interface Waiting {
  readonly call: () => Promise<unknown>;
  readonly together: Together | undefined;
  readonly askers: { resolve(value: unknown): void; reject(reason: unknown): void }[];
}

/** How a read may be asked together with the turn's other reads of the same operation. */
export interface Together {
  /** The operation: reads of it are grouped. */
  readonly operation: string;
  readonly input: unknown;
  /** Answers every input, in order. */
  readonly many: (inputs: readonly unknown[]) => Promise<readonly unknown[]>;
}

export class SharedReads {
  private turn: Map<string, Waiting> | undefined;

  /**
   * Runs `call` after this turn, once for every read asked in it under the same `key`; with
   * `together`, in one `many` call with the turn's other distinct reads of that operation.
   */
  read(key: string, call: () => Promise<unknown>, together?: Together): Promise<unknown> {
    let turn = this.turn;
    if (turn === undefined) {
      turn = this.turn = new Map();
      setImmediate(() => this.endTurn());
    }
    let waiting = turn.get(key);
    if (waiting === undefined) {
      waiting = { call, together, askers: [] };
      turn.set(key, waiting);
    }
    const { askers } = waiting;
    return new Promise((resolve, reject) => askers.push({ resolve, reject }));
  }

  private endTurn(): void {
    const turn = this.turn;
    this.turn = undefined;
    if (turn === undefined) return;
    const groups = new Map<string, Waiting[]>();
    for (const waiting of turn.values()) {
      const operation = waiting.together?.operation;
      if (operation === undefined) answer(waiting, start(waiting.call));
      else {
        const group = groups.get(operation);
        if (group === undefined) groups.set(operation, [waiting]);
        else group.push(waiting);
      }
    }
    for (const group of groups.values()) {
      if (group.length === 1) {
        answer(group[0]!, start(group[0]!.call));
        continue;
      }
      const { many } = group[0]!.together!;
      const answers = start(() => many(group.map((waiting) => waiting.together!.input)));
      group.forEach((waiting, index) =>
        answer(
          waiting,
          answers.then((all) => {
            if (all.length !== group.length) throw new Error(`${waiting.together!.operation}Many answered ${all.length} answers for ${group.length} inputs`);
            return all[index];
          }),
        ),
      );
    }
  }
}

/** The call's promise; a synchronous throw becomes its rejection. */
function start<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (error) {
    return Promise.reject(error);
  }
}

function answer({ askers }: Waiting, answered: Promise<unknown>): void {
  answered.then(
    (value) => {
      for (const asker of askers) asker.resolve(value);
    },
    (error: unknown) => {
      for (const asker of askers) asker.reject(error);
    },
  );
}

/** The key of a read: the operation and its parsed input (dates by their instant, so they never meet a string). */
export function readKey(concept: string, name: string, input: unknown): string {
  return `${concept}.${name}\u0000${JSON.stringify(input, tagDates)}`;
}

function tagDates(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Date ? `\u0000date:${original.getTime()}` : value;
}
