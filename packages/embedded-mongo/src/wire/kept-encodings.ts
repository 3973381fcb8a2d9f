/**
 * The encodings of stored documents as finds shaped them, kept so that a document read again
 * with the same projection is copied, not encoded (encoding was a fifth of the database's work
 * on a repeated 100k-record read). A stored document is never changed in place (a write stores
 * a new version), so its bytes stay true while it lives.
 *
 * Bounded: the bytes lie end to end in one buffer of at most `budgetBytes`; a document's place
 * is one number in a WeakMap per shape (no object per document: kept as objects, 100k
 * encodings cost 33 MB). Once the buffer is full, everything kept is dropped and kept anew
 * as documents are read. A document's old versions and deleted documents leave their bytes
 * there until then.
 */
import type { Document } from "bson";
import { encodeDocument } from "./bson-codec.ts";

/** Where a batch's documents are encoded: `sources[i]` from `starts[i]`, `lengths[i]` bytes. */
export interface EncodedDocuments {
  readonly sources: Uint8Array[];
  readonly starts: number[];
  readonly lengths: number[];
  /** The sum of `lengths`. */
  readonly bytes: number;
}

/** A place packs a start and a length: starts stay below the budget, lengths below 2^25 (a document is 16 MiB at most). */
const LENGTH_SPAN = 2 ** 25;
const FIRST_BUFFER_BYTES = 1024 * 1024;
/** Shapes kept at once: the oldest is forgotten past this. */
const MAX_SHAPES = 16;

export class KeptEncodings {
  private shapes = new Map<string, WeakMap<Document, number>>();
  private buffer = Buffer.allocUnsafe(0);
  private used = 0;

  constructor(private readonly budgetBytes = 64 * 1024 * 1024) {}

  /** The bytes of `stored[i]` shaped as `shaped[i]` (the shape named `shape`): kept ones copied, others encoded now and kept. */
  encode(stored: readonly Document[], shaped: readonly Document[], shape: string): EncodedDocuments {
    let places = this.placesOf(shape);
    const sources: Uint8Array[] = [];
    const starts: number[] = [];
    const lengths: number[] = [];
    let bytes = 0;
    for (let i = 0; i < stored.length; i++) {
      const place = places.get(stored[i]!);
      let source: Uint8Array;
      let start: number;
      let length: number;
      if (place !== undefined) {
        source = this.buffer;
        length = place % LENGTH_SPAN;
        start = (place - length) / LENGTH_SPAN;
      } else {
        source = encodeDocument(shaped[i]!);
        start = 0;
        length = source.length;
        // Keeping may drop everything kept (the buffer was full): the places are then new.
        if (this.keep(stored[i]!, shape, source)) places = this.placesOf(shape);
      }
      sources.push(source);
      starts.push(start);
      lengths.push(length);
      bytes += length;
    }
    return { sources, starts, lengths, bytes };
  }

  private placesOf(shape: string): WeakMap<Document, number> {
    let places = this.shapes.get(shape);
    if (places === undefined) {
      if (this.shapes.size >= MAX_SHAPES) this.shapes.delete(this.shapes.keys().next().value!);
      places = new WeakMap();
      this.shapes.set(shape, places);
    }
    return places;
  }

  /** Keeps `encoded` as `doc`'s bytes in `shape`; answers whether everything kept before was dropped to make room. */
  private keep(doc: Document, shape: string, encoded: Uint8Array): boolean {
    // A document this large would take the room of many: it is encoded each time.
    if (encoded.length > this.budgetBytes / 64) return false;
    const dropped = this.used + encoded.length > this.budgetBytes;
    if (dropped) {
      this.shapes = new Map();
      this.buffer = Buffer.allocUnsafe(0);
      this.used = 0;
    }
    if (this.used + encoded.length > this.buffer.length) {
      const larger = Buffer.allocUnsafe(Math.min(this.budgetBytes, Math.max(FIRST_BUFFER_BYTES, this.buffer.length * 2, this.used + encoded.length)));
      this.buffer.copy(larger, 0, 0, this.used);
      this.buffer = larger;
    }
    this.buffer.set(encoded, this.used);
    this.placesOf(shape).set(doc, this.used * LENGTH_SPAN + encoded.length);
    this.used += encoded.length;
    return dropped;
  }
}
