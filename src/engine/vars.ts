/**
 * Sync variables. A variable is a symbol named after the destructured argument it came from
 * (`({ user, session }) => ...`), so frames are objects keyed by symbols, as in the 6.1040
 * template. Typed syncs give each variable a phantom value type; it is invariant, so a
 * variable bound to a `string` field cannot be used where a `number` is expected.
 */
declare const valueType: unique symbol;

/** A variable whose bound value has type T (phantom: only the type checker sees T). */
export type Var<T = unknown> = symbol & { readonly [valueType]?: (value: T) => T };

/** The variables a typed sync destructures: `Sync<{ user: string }>` gives `{ user: Var<string> }`. */
export type TypedVars<V> = { readonly [K in keyof V]: Var<V[K]> };

/**
 * The variables of an untyped sync (plain `Sync`, the template's surface): any destructured
 * name is a variable usable anywhere. `any` is deliberate here, so ported course code compiles
 * unchanged; add a type argument to `Sync` to have variables checked.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UntypedVars = any;

/** Marks "no type argument given" for `Sync`, so it can fall back to untyped variables. */
export interface Untyped {
  readonly __untyped: true;
}

export type Vars<V> = [V] extends [Untyped] ? UntypedVars : TypedVars<V>;

/** A variable created outside a sync's argument list (e.g. in tests or helpers). */
export function variable<T = unknown>(name: string): Var<T> {
  return Symbol(name) as Var<T>;
}

/**
 * The argument a sync function receives: reading any property makes (and remembers) the
 * variable of that name, so each name maps to one symbol per sync.
 */
export function variablesProxy(): { vars: Record<string, symbol>; names: Map<string, symbol> } {
  const names = new Map<string, symbol>();
  const vars = new Proxy({} as Record<string, symbol>, {
    get(_target, property) {
      if (typeof property !== "string") return undefined;
      let symbol = names.get(property);
      if (symbol === undefined) {
        symbol = Symbol(property);
        names.set(property, symbol);
      }
      return symbol;
    },
  });
  return { vars, names };
}

export function isVariable(value: unknown): value is symbol {
  return typeof value === "symbol";
}

/** A variable's name, as `collectAs` uses it for the keys of collected objects. */
export function variableName(variable: symbol): string {
  return variable.description ?? "";
}
