/**
 * `https://deno.land/x/bcrypt` (v0.4) for course backends that hash passwords with it (often
 * through a deno.json import map entry `"bcrypt": "https://deno.land/x/bcrypt@v0.4.1/mod.ts"`):
 * the same functions, over bcryptjs (plain JavaScript, no build step). Node cannot import
 * from a URL, so `npm run port` rewrites those imports to this module. Hashes are standard
 * bcrypt strings, so a password hashed by either checks with the other.
 */
import bcrypt from "bcryptjs";

const defaultRounds = 10;

/** A salt for `hash`, with 2^logRounds rounds (deno.land/x/bcrypt's default: 10). */
export function genSalt(logRounds: number = defaultRounds): Promise<string> {
  return bcrypt.genSalt(logRounds);
}

export function genSaltSync(logRounds: number = defaultRounds): string {
  return bcrypt.genSaltSync(logRounds);
}

/** The bcrypt hash of `plaintext`, with `salt` or a new one. */
export async function hash(plaintext: string, salt?: string): Promise<string> {
  return bcrypt.hash(plaintext, salt ?? (await genSalt()));
}

export function hashSync(plaintext: string, salt?: string): string {
  return bcrypt.hashSync(plaintext, salt ?? genSaltSync());
}

/** Whether `plaintext` is the password `hashed` was made from. */
export function compare(plaintext: string, hashed: string): Promise<boolean> {
  return bcrypt.compare(plaintext, hashed);
}

export function compareSync(plaintext: string, hashed: string): boolean {
  return bcrypt.compareSync(plaintext, hashed);
}
