/** Regular expressions from `/re/`, BSONRegExp or `$regex` + `$options`, as JS RegExps. */
import { BSONRegExp } from "bson";
import { MongoServerFailure } from "../errors.ts";

const JS_FLAGS = new Set(["i", "m", "s", "u"]);

export function toRegExp(pattern: unknown, options = ""): RegExp {
  try {
    return buildRegExp(pattern, options);
  } catch (error) {
    throw new MongoServerFailure(51091, "Location51091", `Regular expression is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function buildRegExp(pattern: unknown, options: string): RegExp {
  if (pattern instanceof RegExp) {
    return options ? new RegExp(pattern.source, keepFlags(pattern.flags + options)) : stripGlobal(pattern);
  }
  if (pattern instanceof BSONRegExp) return new RegExp(pattern.pattern, keepFlags(pattern.options + options));
  return new RegExp(String(pattern), keepFlags(options));
}

function keepFlags(flags: string): string {
  return [...new Set(flags)].filter((flag) => JS_FLAGS.has(flag)).join("");
}

function stripGlobal(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, keepFlags(re.flags)) : re;
}

export function isRegex(value: unknown): value is RegExp | BSONRegExp {
  return value instanceof RegExp || value instanceof BSONRegExp;
}
