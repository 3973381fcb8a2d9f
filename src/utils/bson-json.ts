/**
 * BSON documents straight to JSON bytes: the bytes of `JSON.stringify` of the document the
 * driver would decode, without decoding it. Reading a 100k-record history as objects and
 * stringifying them cost the API about 0.85 s of CPU; read raw (the driver's `raw: true`) and
 * written from the bytes, a fraction of that. No library writes JSON from BSON (the bson
 * package's EJSON works on decoded values), so this walks the bytes itself, for the value
 * types a stored record holds: strings, numbers, booleans, null, dates, documents and arrays.
 * A value of any other type (an ObjectId, a 64-bit integer, binary data...) is decoded by the
 * bson package and stringified.
 */
import { BSON } from "mongodb";

/**
 * Finds given top-level fields in BSON documents, one document at a time, without decoding
 * their names: a reader per set of names, read again for each document.
 */
export class BsonFieldReader {
  /** The bytes holding the document last read. */
  document: Buffer = Buffer.alloc(5);
  /** Where in `document` that document begins (a reply holds many). */
  start = 0;
  /** Per name (in the order given), its value's type byte in the document read, 0 when absent. */
  readonly types: Uint8Array;
  /** Per name, where its value begins in the document read. */
  readonly offsets: Int32Array;
  private readonly encodedNames: Buffer[];

  constructor(readonly names: readonly string[]) {
    this.encodedNames = names.map((name) => Buffer.from(name));
    this.types = new Uint8Array(names.length);
    this.offsets = new Int32Array(names.length);
  }

  /** Reads where each name's value is in the document at `start` of `bytes`. */
  read(bytes: Uint8Array, start = 0): this {
    const document = asBuffer(bytes);
    this.document = document;
    this.start = start;
    this.types.fill(0);
    forEachElement(document, start, (elementType, nameStart, nameEnd, at) => {
      const index = this.indexOf(document, nameStart, nameEnd);
      if (index >= 0 && this.types[index] === 0) {
        this.types[index] = elementType;
        this.offsets[index] = at;
      }
    });
    return this;
  }

  private indexOf(bytes: Buffer, start: number, end: number): number {
    names: for (let index = 0; index < this.encodedNames.length; index++) {
      const name = this.encodedNames[index]!;
      if (name.length !== end - start) continue;
      for (let at = 0; at < name.length; at++) if (name[at] !== bytes[start + at]) continue names;
      return index;
    }
    return -1;
  }
}

/** JSON written as UTF-8 bytes into one growing buffer. */
export class JsonWriter {
  private buffer = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  /** Writes bytes as they are (JSON text already). */
  bytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.length = copy(bytes, 0, bytes.length, this.buffer, this.length);
  }

  /** Writes the JSON of the field `reader.names[index]` of the document `reader` read last (null when it has none). */
  field(reader: BsonFieldReader, index: number): void {
    const fieldType = reader.types[index]!;
    if (fieldType === 0) return this.bytes(nullBytes);
    const start = this.length;
    try {
      this.bsonValue(reader.document, fieldType, reader.offsets[index]!);
    } catch (error) {
      if (!(error instanceof UnsupportedType)) throw error;
      // Written again from what the driver decodes: the document is decoded whole, once
      // per such value, which only documents with uncommon types pay.
      this.length = start;
      const { document, start: documentStart } = reader;
      const decoded = BSON.deserialize(document.subarray(documentStart, documentStart + document.readInt32LE(documentStart)));
      // Its own value: a field named "__proto__" is a field like any other.
      this.text(JSON.stringify(Object.getOwnPropertyDescriptor(decoded, reader.names[index]!)?.value) ?? "null");
    }
  }

  /** What was written; the writer starts again empty, in a new buffer as large as the last (no copy). */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(this.buffer.length);
    this.length = 0;
    return written;
  }

  private text(text: string): void {
    this.reserve(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length);
  }

  private byte(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const larger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(larger, 0, 0, this.length);
    this.buffer = larger;
  }

  private bsonValue(bytes: Buffer, elementType: number, at: number): void {
    switch (elementType) {
      case type.double:
        return this.text(JSON.stringify(bytes.readDoubleLE(at)));
      case type.string:
        return this.string(bytes, at + 4, at + 4 + bytes.readInt32LE(at) - 1);
      case type.document:
        return this.embedded(bytes, at, false);
      case type.array:
        return this.embedded(bytes, at, true);
      case type.boolean:
        return this.bytes(bytes[at] === 0 ? falseBytes : trueBytes);
      case type.date:
        return this.date(bytes.readUInt32LE(at) + bytes.readInt32LE(at + 4) * 2 ** 32);
      case type.null:
        return this.bytes(nullBytes);
      case type.int32:
        return this.text(String(bytes.readInt32LE(at)));
      default:
        throw new UnsupportedType();
    }
  }

  private embedded(bytes: Buffer, start: number, isArray: boolean): void {
    this.byte(isArray ? 0x5b : 0x7b);
    let first = true;
    forEachElement(bytes, start, (elementType, nameStart, nameEnd, at) => {
      if (!first) this.byte(0x2c);
      first = false;
      if (!isArray) {
        this.text(JSON.stringify(bytes.toString("utf8", nameStart, nameEnd)));
        this.byte(0x3a);
      }
      this.bsonValue(bytes, elementType, at);
    });
    this.byte(isArray ? 0x5d : 0x7d);
  }

  /** A string: its bytes themselves, quoted, when they are printable ASCII that needs no escape. */
  private string(bytes: Buffer, start: number, end: number): void {
    for (let at = start; at < end; at++) {
      const byte = bytes[at]!;
      if (byte < 0x20 || byte > 0x7e || byte === 0x22 || byte === 0x5c) return this.text(JSON.stringify(bytes.toString("utf8", start, end)));
    }
    this.reserve(end - start + 2);
    this.buffer[this.length++] = 0x22;
    this.length = copy(bytes, start, end, this.buffer, this.length);
    this.buffer[this.length++] = 0x22;
  }

  /** A date as `JSON.stringify` of the `Date` writes it: "YYYY-MM-DDTHH:mm:ss.sssZ", or what `Date` writes outside years 0 to 9999. */
  private date(ms: number): void {
    if (!(ms >= earliestPlainYear && ms <= latestPlainYear)) return this.text(JSON.stringify(new Date(ms)));
    const day = Math.floor(ms / msPerDay) * msPerDay;
    if (day !== cachedDay) {
      cachedDay = day;
      cachedDayBytes = Buffer.from(`"${new Date(day).toISOString().slice(0, 11)}`, "latin1");
    }
    this.reserve(26);
    const out = this.buffer;
    let at = copy(cachedDayBytes, 0, cachedDayBytes.length, out, this.length);
    let rest = ms - day;
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = Math.floor(rest / 1000);
    const millis = rest - seconds * 1000;
    at = twoDigits(out, at, hours);
    out[at++] = 0x3a;
    at = twoDigits(out, at, minutes);
    out[at++] = 0x3a;
    at = twoDigits(out, at, seconds);
    out[at++] = 0x2e;
    out[at++] = 0x30 + Math.floor(millis / 100);
    at = twoDigits(out, at, millis % 100);
    out[at++] = 0x5a;
    out[at++] = 0x22;
    this.length = at;
  }
}

/** Thrown within a walk at a value type written by decoding instead. */
class UnsupportedType extends Error {}

const type = {
  double: 0x01,
  string: 0x02,
  document: 0x03,
  array: 0x04,
  boolean: 0x08,
  date: 0x09,
  null: 0x0a,
  int32: 0x10,
} as const;

const nullBytes = Buffer.from("null");
const trueBytes = Buffer.from("true");
const falseBytes = Buffer.from("false");

/** Copies `from[start..end)` to `to` at `at`; answers where the copy ends. Short copies byte by byte, which costs less than a call into `set` for the few bytes of a field. */
function copy(from: Uint8Array, start: number, end: number, to: Uint8Array, at: number): number {
  if (end - start > 64) {
    to.set(from.subarray(start, end), at);
    return at + end - start;
  }
  for (let index = start; index < end; index++) to[at++] = from[index]!;
  return at;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Where each value of the array (or document) at `start` of `bytes` begins: the documents of a reply's batch. */
export function valueStarts(bytes: Buffer, start: number): number[] {
  const starts: number[] = [];
  forEachElement(bytes, start, (_type, _nameStart, _nameEnd, at) => starts.push(at));
  return starts;
}

/** Calls `visit` with each element of the document at `start`: its type byte, where its name begins and ends, and where its value begins. */
function forEachElement(bytes: Buffer, start: number, visit: (type: number, nameStart: number, nameEnd: number, at: number) => void): void {
  const end = start + bytes.readInt32LE(start) - 1;
  let at = start + 4;
  while (at < end) {
    const elementType = bytes[at]!;
    const nameStart = at + 1;
    const nameEnd = cStringEnd(bytes, nameStart);
    at = nameEnd + 1;
    visit(elementType, nameStart, nameEnd, at);
    at += valueLength(bytes, elementType, at);
  }
}

/** Where the C string at `start` ends (its 0 byte): a loop, which costs less than a call to `indexOf` for the few bytes of a name. */
function cStringEnd(bytes: Buffer, start: number): number {
  let at = start;
  while (at < bytes.length && bytes[at] !== 0) at++;
  return at;
}

/** The length of a value of the given type at `at`, for every type of the BSON specification. */
function valueLength(bytes: Buffer, elementType: number, at: number): number {
  switch (elementType) {
    case type.double:
    case type.date:
    case 0x11: // timestamp
    case 0x12: // 64-bit integer
      return 8;
    case type.string:
    case 0x0d: // JavaScript code
    case 0x0e: // symbol
      return 4 + bytes.readInt32LE(at);
    case type.document:
    case type.array:
    case 0x0f: // code with scope
      return bytes.readInt32LE(at);
    case 0x05: // binary: length, subtype, bytes
      return 5 + bytes.readInt32LE(at);
    case 0x07: // ObjectId
      return 12;
    case type.boolean:
      return 1;
    case type.null:
    case 0x06: // undefined
    case 0x7f: // max key
    case 0xff: // min key
      return 0;
    case 0x0b: {
      // regular expression: pattern and flags, two C strings
      const patternEnd = bytes.indexOf(0, at);
      return bytes.indexOf(0, patternEnd + 1) + 1 - at;
    }
    case 0x0c: // DBPointer: a string, then an ObjectId
      return 4 + bytes.readInt32LE(at) + 12;
    case type.int32:
      return 4;
    case 0x13: // decimal128
      return 16;
    default:
      throw new RangeError(`not a BSON type: 0x${elementType.toString(16)}`);
  }
}

const msPerDay = 86_400_000;
/** The instants whose ISO form is plain (years 0 to 9999); `Date` writes the others. */
const earliestPlainYear = new Date(0).setUTCFullYear(0, 0, 1);
const latestPlainYear = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** The day whose `"YYYY-MM-DDT` was written last: histories are read in time order, so most dates share it. */
let cachedDay = Number.NaN;
let cachedDayBytes = Buffer.alloc(0);

/** "00" to "99", two bytes each. */
const digitPairs = Buffer.from(Array.from({ length: 100 }, (_, value) => String(value).padStart(2, "0")).join(""), "latin1");

/** Writes `value` (0 to 99) as two decimal digits at `at`; answers where they end. */
function twoDigits(out: Buffer, at: number, value: number): number {
  out[at] = digitPairs[2 * value]!;
  out[at + 1] = digitPairs[2 * value + 1]!;
  return at + 2;
}
