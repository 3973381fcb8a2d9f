/** A spec that does not follow the format, refused with where and what was expected. */
export class SpecFormatError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly expected: string,
    readonly file = "spec",
  ) {
    super(`${file}:${line}:${column}: expected ${expected}`);
    this.name = "SpecFormatError";
  }
}
