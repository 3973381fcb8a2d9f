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
    if (this.chunks.length === 0) {
      this.chunks.push([item]);
      return;
    }
    let { chunk, offset } = this.lowerBound((x) => this.compare(x, item) >= 0);
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
    if (target.length === 0) this.chunks.splice(chunk, 1);
    this.count -= 1;
    return true;
  }

  /** Every item, last first. */
  /** The items before `position`, nearest first (backwards). */
  *before(position: Position): IterableIterator<T> {
    for (let c = Math.min(position.chunk, this.chunks.length - 1); c >= 0; c--) {
      const chunk = this.chunks[c]!;
      const start = c === position.chunk ? Math.min(position.offset, chunk.length) - 1 : chunk.length - 1;
      for (let o = start; o >= 0; o--) yield chunk[o]!;
    }
  }

  *reversed(): IterableIterator<T> {
    for (let c = this.chunks.length - 1; c >= 0; c--) {
      const chunk = this.chunks[c]!;
      for (let o = chunk.length - 1; o >= 0; o--) yield chunk[o]!;
    }
  }

  /** Items from `position` to the end, in order. */
  *from(position: Position): IterableIterator<T> {
    for (let c = position.chunk, o = position.offset; c < this.chunks.length; c++, o = 0) {
      const chunk = this.chunks[c]!;
      for (; o < chunk.length; o++) yield chunk[o]!;
    }
  }
}
