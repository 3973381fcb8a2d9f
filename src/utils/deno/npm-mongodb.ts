/** `import { Db } from "npm:mongodb"` (Deno's spelling, in every template concept) resolves here: the mongodb driver. */
export * from "mongodb";
