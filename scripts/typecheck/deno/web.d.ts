/**
 * Types Deno gives the web APIs where Node's differ, for course files only (check.ts adds
 * this file to their program, never to the project's): under Deno, `await response.json()`
 * is `any`, so `const data: Reply = await response.json()` and `data.items` type-check, where
 * Node's types answer `unknown`. Declared here, the overload comes first and wins.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- Deno's own typing, which course code relies on */
interface Body {
  json(): Promise<any>;
}
interface Response {
  json(): Promise<any>;
}
interface Request {
  json(): Promise<any>;
}
