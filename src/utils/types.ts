/**
 * The 6.1040 template's shared types, at the path course code imports them from
 * (`@utils/types.ts`). Each is also a value of the same name, so that
 * `import { Empty, ID } from "@utils/types.ts"` (written without `type`, as Deno allows)
 * still runs under Node: a type-only name would crash the import at run time.
 */
declare const brand: unique symbol;

/** An opaque identifier: a string, branded so an ID is not mistaken for any other string. */
export type ID = string & { readonly [brand]: true };

/** Makes an ID of a string (`ID("user:Alice")`), the same as `"user:Alice" as ID`. */
export const ID = (value: string): ID => value as ID;

/** The output of an action with nothing to say: an object with no fields. */
export type Empty = Record<PropertyKey, never>;

/** The empty output (`return Empty` reads as `return {}`); frozen, so no caller can fill it. */
export const Empty: Empty = Object.freeze({}) as Empty;
