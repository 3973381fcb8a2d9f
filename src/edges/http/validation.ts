/**
 * Validating an operation's input with its own zod schema, and saying what is wrong in
 * words a client can act on: `"durationMs: must be > 0"`, `"phase: is required"`.
 */
import { z } from "zod";
import { instant, isPlausibleTime, plausibleTimeHint } from "../../utils/schemas.ts";
import { cut, cutList } from "../../utils/quote.ts";
import { HttpError } from "./errors.ts";

type Issue = z.core.$ZodRawIssue;

/** A 400 naming every field of `value` that `schema` refuses. */
export function checkInput(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value, { error: humanMessage });
  if (!parsed.success) throw new HttpError(400, describeIssues(parsed.error));
}

/** Every issue as `path: message`; the paths' keys (a client's, in records) are cut short. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length === 0 ? "body" : issue.path.map((key) => cut(String(key))).join(".")}: ${issue.message}`).join("; ");
}

/** The top-level field names an input schema accepts (none when it is not an object). */
export function inputFields(schema: z.ZodType): ReadonlySet<string> {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodPipe) current = current.in as z.ZodType;
  return new Set(current instanceof z.ZodObject ? Object.keys(current.shape) : []);
}

/**
 * The top-level fields of an input schema that hold a time (the shared `instant`, optional or
 * nullable): a client supplies them, so they must be plausible (see `checkTimes`).
 */
export function timeFields(schema: z.ZodType): readonly string[] {
  let current: z.ZodType = schema;
  while (current instanceof z.ZodPipe) current = current.in as z.ZodType;
  if (!(current instanceof z.ZodObject)) return [];
  return Object.entries(current.shape as Record<string, z.ZodType>)
    .filter(([, field]) => unwrapped(field) === instant)
    .map(([name]) => name);
}

/** A 400 naming the first of `fields` whose time is before 2000-01-01 or more than a day after the server's clock. */
export function checkTimes(fields: readonly string[], input: Readonly<Record<string, unknown>>): void {
  for (const field of fields) {
    const value = input[field];
    if (value === undefined || value === null) continue;
    const parsed = instant.safeParse(value);
    if (parsed.success && !isPlausibleTime(parsed.data)) throw new HttpError(400, `${field}: ${plausibleTimeHint}`);
  }
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let current = schema;
  while (current instanceof z.ZodOptional || current instanceof z.ZodNullable || current instanceof z.ZodDefault) current = current.unwrap() as z.ZodType;
  return current;
}

/** A message for the common issues; others keep zod's own wording. */
function humanMessage(issue: Issue): string | undefined {
  const missing = issue.input === undefined && (issue.code === "invalid_type" || issue.code === "invalid_value" || issue.code === "invalid_union");
  if (missing) return "is required";
  switch (issue.code) {
    case "invalid_type":
      return `must be ${article(issue.expected)}`;
    case "too_small":
      return bound(issue.origin, issue.inclusive ? ">=" : ">", "at least", issue.minimum);
    case "too_big":
      return bound(issue.origin, issue.inclusive ? "<=" : "<", "at most", issue.maximum);
    case "invalid_value":
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field${issue.keys.length > 1 ? "s" : ""} ${cutList(issue.keys)}`;
    case "invalid_format":
      return `must be a valid ${issue.format}`;
    default:
      return undefined;
  }
}

function bound(origin: string, comparison: string, words: string, limit: number | bigint): string | undefined {
  switch (origin) {
    case "number":
    case "int":
    case "bigint":
    case "date":
      return `must be ${comparison} ${limit}`;
    case "string":
      return `must be ${words} ${limit} characters long`;
    case "array":
    case "set":
      return `must have ${words} ${limit} items`;
    default:
      return undefined;
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}
