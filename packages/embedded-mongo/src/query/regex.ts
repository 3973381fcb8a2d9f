/**
 * Regular expressions from `/re/`, BSONRegExp or `$regex` + `$options`. Queries match them
 * with RE2 (re2js), whose time is linear in the subject: a pattern such as `^(a+)+$`, which
 * backtracking engines take exponential time on, cannot hold the server. Patterns RE2 cannot
 * express (lookaround, backreferences) run on a backtracking matcher with a step budget
 * (budgeted-regex.ts).
 */
import { BSONRegExp } from "bson";
import { RE2JS } from "re2js";
import { MongoServerFailure } from "../errors.ts";
import { compileBudgeted } from "./budgeted-regex.ts";

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

/** What a query needs of a regular expression. */
export interface RegexTester {
  test(subject: string): boolean;
}

const RE2_FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL };

/**
 * Testers of the regexes in filters, by the regex object: a filter is matched against every
 * document with the same objects, and compiling a pattern costs far more than running it.
 */
const compiled = new WeakMap<object, RegexTester>();

/** A tester for the pattern: RE2 (linear time) when it can express it, else the budgeted backtracking matcher. */
export function toRegexTester(pattern: unknown, options = ""): RegexTester {
  if (options !== "" || !isRegex(pattern)) return compileTester(pattern, options);
  let tester = compiled.get(pattern);
  if (tester === undefined) {
    tester = compileTester(pattern, "");
    compiled.set(pattern, tester);
  }
  return tester;
}

function compileTester(pattern: unknown, options: string): RegexTester {
  const js = toRegExp(pattern, options);
  let flags = 0;
  for (const flag of js.flags) flags |= RE2_FLAGS[flag] ?? 0;
  try {
    const re2 = RE2JS.compile(js.source, flags);
    return { test: (subject) => re2.test(subject) };
  } catch {
    return budgeted(js);
  }
}

function budgeted(js: RegExp): RegexTester {
  try {
    return compileBudgeted(js.source, js.flags);
  } catch (error) {
    // JavaScript took the pattern but the parser of the budgeted matcher did not: refuse it plainly.
    throw new MongoServerFailure(51091, "Location51091", `Regular expression is not supported: ${error instanceof Error ? error.message : String(error)}`);
  }
}
