/**
 * A backtracking regex matcher with a step budget, for the patterns RE2 cannot run
 * (lookaround, backreferences). JavaScript's own engine cannot be interrupted: a pattern such
 * as `^(?=(a+)+$)` would hold the server for minutes on 30 characters. This one walks the
 * pattern's syntax tree (parsed by regexpp) with continuations and counts its steps; past the
 * budget, which grows with the subject, the query fails with 2 BadValue, as mongod's PCRE
 * gives up at its match limit. Single characters, classes and `^ $ \b` are tested by sticky
 * JavaScript regexes of their own source: they take one position, so they cannot backtrack.
 */
import { RegExpParser, type AST } from "@eslint-community/regexpp";
import { MongoServerFailure } from "../errors.ts";

/** Steps every match may take, plus `STEPS_PER_CHARACTER` per character of the subject. */
export const BASE_STEPS = 10_000;
export const STEPS_PER_CHARACTER = 10;

type Captures = ReadonlyArray<readonly [number, number] | undefined>;
type Next = (position: number, captures: Captures) => boolean;

interface Run {
  readonly subject: string;
  steps: number;
  readonly budget: number;
}

type Matcher = (run: Run, position: number, captures: Captures, next: Next) => boolean;

function tick(run: Run): void {
  if (++run.steps > run.budget) throw tooComplex(run.budget);
}

function tooComplex(budget: number): MongoServerFailure {
  return new MongoServerFailure(2, "BadValue", `Regular expression is too complex: matching gave up after ${budget} steps (lookaround and backreferences run on a backtracking engine)`);
}

export interface BudgetedRegex {
  test(subject: string): boolean;
}

export function compileBudgeted(source: string, flags: string): BudgetedRegex {
  const unicode = flags.includes("u");
  const pattern = new RegExpParser().parsePattern(source, 0, source.length, { unicode, unicodeSets: flags.includes("v") });
  const compiler = new Compiler(pattern, flags.replace(/[gy]/g, ""));
  const root = compiler.alternatives(pattern.alternatives);
  const accept: Next = () => true;
  return {
    test(subject) {
      const run: Run = { subject, steps: 0, budget: BASE_STEPS + STEPS_PER_CHARACTER * subject.length };
      try {
        for (let start = 0; start <= subject.length; start++) {
          tick(run);
          if (root(run, start, [], accept)) return true;
        }
        return false;
      } catch (error) {
        if (error instanceof RangeError) throw tooComplex(run.budget); // the continuations outgrew the stack
        throw error;
      }
    },
  };
}

class Compiler {
  /** Capturing groups by node, numbered in pattern order from 1. */
  private readonly groups = new Map<AST.CapturingGroup, number>();

  constructor(
    pattern: AST.Pattern,
    private readonly flags: string,
  ) {
    const found: AST.CapturingGroup[] = [];
    collectGroups(pattern, found);
    found.sort((a, b) => a.start - b.start).forEach((group, i) => this.groups.set(group, i + 1));
  }

  alternatives(alternatives: AST.Alternative[]): Matcher {
    const branches = alternatives.map((alternative) => this.sequence(alternative.elements));
    if (branches.length === 1) return branches[0]!;
    return (run, position, captures, next) => branches.some((branch) => branch(run, position, captures, next));
  }

  private sequence(elements: AST.Element[]): Matcher {
    const matchers = elements.map((element) => this.element(element));
    const from = (index: number): Matcher =>
      index === matchers.length ? (_run, position, captures, next) => next(position, captures) : chain(matchers[index]!, from(index + 1));
    return from(0);
  }

  private element(node: AST.Element): Matcher {
    switch (node.type) {
      case "Character":
      case "CharacterClass":
      case "CharacterSet":
      case "ExpressionCharacterClass":
        return this.sticky(node.raw);
      case "Assertion":
        if (node.kind === "lookahead") return this.lookahead(node);
        if (node.kind === "lookbehind") return this.lookbehind(node);
        return this.sticky(node.raw);
      case "Group":
        return this.alternatives(node.alternatives);
      case "CapturingGroup":
        return this.capture(node);
      case "Backreference":
        return this.backreference(node);
      case "Quantifier":
        return this.quantifier(node);
    }
  }

  /** A piece that takes at most one character (or none: `^`, `$`, `\b`), tested in place. */
  private sticky(raw: string): Matcher {
    const re = new RegExp(raw, `${this.flags}y`);
    return (run, position, captures, next) => {
      tick(run);
      re.lastIndex = position;
      return re.test(run.subject) && next(re.lastIndex, captures);
    };
  }

  private capture(node: AST.CapturingGroup): Matcher {
    const index = this.groups.get(node)!;
    const inner = this.alternatives(node.alternatives);
    return (run, position, captures, next) =>
      inner(run, position, captures, (end, inside) => next(end, withCapture(inside, index, [position, end])));
  }

  private backreference(node: AST.Backreference): Matcher {
    const indexes = (Array.isArray(node.resolved) ? node.resolved : [node.resolved]).map((group) => this.groups.get(group)!);
    const fold = this.flags.includes("i");
    return (run, position, captures, next) => {
      tick(run);
      const span = indexes.map((index) => captures[index]).find((captured) => captured !== undefined);
      if (span === undefined) return next(position, captures); // an unset group matches the empty string
      const length = span[1] - span[0];
      const wanted = run.subject.slice(span[0], span[1]);
      const here = run.subject.slice(position, position + length);
      return (fold ? here.toLowerCase() === wanted.toLowerCase() : here === wanted) && next(position + length, captures);
    };
  }

  /** Lookahead is atomic, as in JavaScript: once it matched, its choices are not revisited. */
  private lookahead(node: AST.LookaheadAssertion): Matcher {
    const inner = this.alternatives(node.alternatives);
    return (run, position, captures, next) => {
      let found: Captures | undefined;
      inner(run, position, captures, (_end, inside) => ((found = inside), true));
      if (node.negate) return found === undefined && next(position, captures);
      return found !== undefined && next(position, found);
    };
  }

  /** Lookbehind: some start before here from which the body ends exactly here (within its widest reach). */
  private lookbehind(node: AST.LookbehindAssertion): Matcher {
    const inner = this.alternatives(node.alternatives);
    const reach = widest(node.alternatives, this.flags.includes("u"));
    return (run, position, captures, next) => {
      let found: Captures | undefined;
      for (let start = position; start >= Math.max(0, position - reach) && found === undefined; start--) {
        tick(run);
        inner(run, start, captures, (end, inside) => end === position && ((found = inside), true));
      }
      if (node.negate) return found === undefined && next(position, captures);
      return found !== undefined && next(position, found);
    };
  }

  /** Greedy or lazy repetition; an iteration that matches nothing once `min` is reached ends it (as in JavaScript). */
  private quantifier(node: AST.Quantifier): Matcher {
    const element = this.element(node.element);
    const inside: number[] = [];
    const nested: AST.CapturingGroup[] = [];
    collectGroups(node.element, nested);
    for (const group of nested) inside.push(this.groups.get(group)!);
    const { min, max, greedy } = node;
    const repeat = (run: Run, position: number, captures: Captures, next: Next, count: number): boolean => {
      tick(run);
      const more = (): boolean =>
        count < max &&
        element(run, position, clearCaptures(captures, inside), (end, after) => !(end === position && count >= min) && repeat(run, end, after, next, count + 1));
      const stop = (): boolean => count >= min && next(position, captures);
      return greedy ? more() || stop() : stop() || more();
    };
    return (run, position, captures, next) => repeat(run, position, captures, next, 0);
  }
}

function chain(first: Matcher, rest: Matcher): Matcher {
  return (run, position, captures, next) => first(run, position, captures, (end, after) => rest(run, end, after, next));
}

function withCapture(captures: Captures, index: number, span: readonly [number, number]): Captures {
  const copy = captures.slice();
  copy[index] = span;
  return copy;
}

/** A quantified group's captures start afresh at each iteration (JavaScript's rule). */
function clearCaptures(captures: Captures, indexes: number[]): Captures {
  if (indexes.every((index) => captures[index] === undefined)) return captures;
  const copy = captures.slice();
  for (const index of indexes) copy[index] = undefined;
  return copy;
}

function collectGroups(node: AST.Node, found: AST.CapturingGroup[]): void {
  if (node.type === "CapturingGroup") found.push(node);
  const children: AST.Node[] =
    "alternatives" in node ? node.alternatives
    : "elements" in node ? node.elements
    : node.type === "Quantifier" ? [node.element]
    : [];
  for (const child of children) collectGroups(child, found);
}

/** The most characters (UTF-16 units) the alternatives can take; Infinity when unbounded. */
function widest(alternatives: AST.Alternative[], unicode: boolean): number {
  const one = unicode ? 2 : 1;
  const width = (node: AST.Element): number => {
    switch (node.type) {
      case "Character":
      case "CharacterClass":
      case "CharacterSet":
      case "ExpressionCharacterClass":
        return one;
      case "Assertion":
        return 0;
      case "Group":
      case "CapturingGroup":
        return widest(node.alternatives, unicode);
      case "Backreference":
        return Number.POSITIVE_INFINITY;
      case "Quantifier":
        return node.max === 0 ? 0 : width(node.element) * node.max;
    }
  };
  return Math.max(0, ...alternatives.map((alternative) => alternative.elements.reduce((sum, element) => sum + width(element), 0)));
}
