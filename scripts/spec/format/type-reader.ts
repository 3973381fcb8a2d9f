/**
 * Reads the typed parts of one spec line: a list of fields `(name: Type, opt?: Type)` and
 * the types in them, with the column of anything unexpected. A name that is not a plain
 * type must be one the spec declares (a generic, a set or its element, or `ID`): it is an id.
 */
import { SpecFormatError } from "./errors.ts";
import { plainTypeNames, type SpecField, type SpecType } from "./types.ts";

export class TypeReader {
  constructor(
    private readonly text: string,
    private readonly line: number,
    /** The names that are ids; "any" takes any capitalised name (for reading a signature of unknown origin). */
    private readonly idNames: ReadonlySet<string> | "any",
    public at = 0,
  ) {}

  fail(expected: string, at = this.at): never {
    throw new SpecFormatError(this.line, at + 1, expected);
  }

  skipSpaces(): void {
    while (this.text[this.at] === " " || this.text[this.at] === "\t") this.at++;
  }

  peek(): string | undefined {
    this.skipSpaces();
    return this.text[this.at];
  }

  /** Consumes `token` (after spaces) or refuses, saying what was wanted. */
  expect(token: string, what = `"${token}"`): void {
    this.skipSpaces();
    if (!this.text.startsWith(token, this.at)) this.fail(what);
    this.at += token.length;
  }

  word(what: string): string {
    this.skipSpaces();
    const found = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.at));
    if (found === null) this.fail(what);
    this.at += found[0].length;
    return found[0];
  }

  rest(): string {
    return this.text.slice(this.at).trim();
  }

  /** `( name: Type, other?: Type )`: the fields in order, each name once. */
  fields(open = "(", close = ")"): SpecField[] {
    this.expect(open);
    const fields: SpecField[] = [];
    if (this.peek() === close) {
      this.at++;
      return fields;
    }
    for (;;) {
      const start = this.at;
      const name = this.word("a field name");
      if (fields.some((field) => field.name === name)) this.fail(`a field name not used twice in one list (${name} is)`, start);
      const optional = this.peek() === "?";
      if (optional) this.at++;
      this.expect(":", `":" and the type of ${name}, as in ${name}: String`);
      fields.push({ name, optional, type: this.type() });
      if (this.peek() === ",") {
        this.at++;
        continue;
      }
      this.expect(close, `"," or "${close}"`);
      return fields;
    }
  }

  /** `Alt or Alt ...`: an enumeration of quoted values, or one type `or null`. */
  type(): SpecType {
    this.skipSpaces();
    const start = this.at;
    const choices = [this.alternative()];
    while (this.text.slice(this.at).match(/^\s+or\s/)) {
      this.skipSpaces();
      this.at += 2;
      choices.push(this.alternative());
    }
    if (choices.length === 1) {
      if (choices[0] === "null") this.fail("a type (null only as T or null)", start);
      return choices[0] as SpecType;
    }
    if (choices.every((choice) => typeof choice === "object" && "literal" in choice)) {
      return { kind: "enum", values: choices.map((choice) => (choice as { literal: string }).literal) };
    }
    const others = choices.filter((choice) => choice !== "null");
    if (others.length === 1 && choices.length === 2 && !("literal" in (others[0] as object))) return { kind: "nullable", of: others[0] as SpecType };
    this.fail(`either quoted values ("a" or "b") or one type or null`, start);
  }

  private alternative(): SpecType | { literal: string } | "null" {
    const next = this.peek();
    if (next === '"') {
      const found = /^"([^"\\]*)"/.exec(this.text.slice(this.at));
      if (found === null) this.fail("a closing quote");
      this.at += found[0].length;
      return { literal: found[1]! };
    }
    if (next === "{") return { kind: "object", fields: this.fields("{", "}") };
    const start = this.at;
    const name = this.word(`a type: String, Number, Flag, Date, JSON, ${this.ids()}, list of T, { field: T } or "a" or "b"`);
    if (name === "null") return "null";
    if (name === "list" || name === "set" || name === "sequence") {
      this.expect("of", `"of" and a type, as in ${name} of String`);
      return { kind: "list", of: this.typeAlone() };
    }
    const plain = plainTypeNames[name];
    if (plain !== undefined) return { kind: plain } as SpecType;
    if (this.idNames === "any" ? /^[A-Z]/.test(name) : this.idNames.has(name)) return { kind: "id", name };
    this.fail(`a type: String, Number, Flag, Date, JSON, list of T, { field: T }, "a" or "b", or an id: ${this.ids()} (not ${name})`, start);
  }

  private ids(): string {
    return this.idNames === "any" ? "an id" : [...this.idNames].join(", ");
  }

  /** The element of a list: one alternative (write `list of { ... }` for a record). */
  private typeAlone(): SpecType {
    const start = this.at;
    const element = this.alternative();
    if (element === "null" || "literal" in element) this.fail("a type for the list's elements", start);
    return element;
  }
}
