/**
 * A sorted list kept as a run of small sorted chunks, so that inserting or removing costs a
 * binary search plus a splice of one chunk (not of the whole list, as a flat array would).
 */

export interface Position {
  chunk: number;
  offset: number;
}

const MAX_CHUNK = 512;

export class ChunkedSortedList<T> {
  private chunks: T[][] = [];
  private count = 0;
  /** Bumped by every change, so that a paused walk knows to find its place again. */
  private version = 0;

  constructor(private readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.count;
  }

  /** The first position whose item satisfies `predicate`, which must be monotone over the order. */
  lowerBound(predicate: (item: T) => boolean): Position {
    let low = 0;
    let high = this.chunks.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const chunk = this.chunks[mid]!;
      if (predicate(chunk[chunk.length - 1]!)) high = mid;
      else low = mid + 1;
    }
    if (low === this.chunks.length) return { chunk: low, offset: 0 };
    const chunk = this.chunks[low]!;
    let first = 0;
    let last = chunk.length;
    while (first < last) {
      const mid = (first + last) >>> 1;
      if (predicate(chunk[mid]!)) last = mid;
      else first = mid + 1;
    }
    return { chunk: low, offset: first };
  }

  insert(item: T): void {
    this.count += 1;
    this.version += 1;
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    const lastChunk = this.chunks[this.chunks.length - 1]!;
    // Keys that grow (times, counters) land after the last item: one comparison, no search.
    let { chunk, offset } =
      this.compare(lastChunk[lastChunk.length - 1]!, item) < 0
        ? { chunk: this.chunks.length, offset: 0 }
        : this.lowerBound((x) => this.compare(x, item) >= 0);
    if (chunk === this.chunks.length) {
      chunk -= 1;
      offset = this.chunks[chunk]!.length;
    }
    const target = this.chunks[chunk]!;
    target.splice(offset, 0, item);
    if (target.length > MAX_CHUNK) this.chunks.splice(chunk, 1, target.slice(0, target.length >> 1), target.slice(target.length >> 1));
  }

  /** Removes the item comparing equal to `item`; returns whether there was one. */
  remove(item: T): boolean {
    const { chunk, offset } = this.lowerBound((x) => this.compare(x, item) >= 0);
    const target = this.chunks[chunk];
    if (!target || offset >= target.length || this.compare(target[offset]!, item) !== 0) return false;
    target.splice(offset, 1);
    this.version += 1;
    if (target.length === 0) this.chunks.splice(chunk, 1);
    this.count -= 1;
    return true;
  }

  /** The position of the first item after `item` (`past`), or of `item` itself or the first after it. */
  private seek(item: T, past: boolean): Position {
    return this.lowerBound(past ? (x) => this.compare(x, item) > 0 : (x) => this.compare(x, item) >= 0);
  }

  /**
   * The items before `position`, nearest first (backwards). Like `from`, a walk that pauses
   * while the list changes goes on from its last item, not from a stale position.
   */
  *before(position: Position): IterableIterator<T> {
    let { chunk: c, offset: o } = position;
    let version = this.version;
    let last: T | undefined;
    for (;;) {
      if (last !== undefined && version !== this.version) {
        ({ chunk: c, offset: o } = this.seek(last, false));
        version = this.version;
      }
      if (c >= this.chunks.length) {
        c = this.chunks.length - 1;
        if (c < 0) return;
        o = this.chunks[c]!.length;
      }
      if (o <= 0) {
        c -= 1;
        if (c < 0) return;
        o = this.chunks[c]!.length;
        continue;
      }
      const chunk = this.chunks[c]!;
      o = Math.min(o, chunk.length);
      last = chunk[--o]!;
      yield last;
    }
  }

  /** Every item, last first. */
  reversed(): IterableIterator<T> {
    return this.before({ chunk: this.chunks.length, offset: 0 });
  }

  /**
   * Items from `position` to the end, in order. Scans pause between items to let other
   * connections write (time-slice.ts); when the list changed meanwhile, the walk goes on from
   * the first item after the last one it gave (chunks split and shift, so a kept position
   * would skip or repeat items), as a database cursor repositions by key after a yield.
   */
  *from(position: Position): IterableIterator<T> {
    let { chunk: c, offset: o } = position;
    let version = this.version;
    let last: T | undefined;
    for (;;) {
      if (last !== undefined && version !== this.version) {
        ({ chunk: c, offset: o } = this.seek(last, true));
        version = this.version;
      }
      const chunk = this.chunks[c];
      if (chunk === undefined) return;
      if (o >= chunk.length) {
        c += 1;
        o = 0;
        continue;
      }
      last = chunk[o++]!;
      yield last;
    }
  }
}
