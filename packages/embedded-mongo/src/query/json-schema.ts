/**
 * `$jsonSchema` as mongod implements it (JSON Schema draft 4 with `bsonType`, without `$ref`,
 * `$schema`, `default`, `definitions`, `format` or `id`, which mongod refuses too, with its
 * messages). A schema is checked once when compiled, so an invalid one is refused (9
 * FailedToParse) before any document is read. Patterns run on the matcher `$regex` uses
 * (linear time). Each keyword constrains only values of the types it is about, as in JSON Schema.
 */
import { failedToParse } from "../errors.ts";
import { bsonTypeOf, isNumeric, isPlainDocument } from "./bson-types.ts";
import { compareValues } from "./compare.ts";
import { toNumber } from "./numeric.ts";
import { toRegexTester } from "./regex.ts";
import { valueKey } from "../storage/value-key.ts";

type Schema = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const BSON_ALIASES: Record<string, (type: string, value: unknown) => boolean> = {
  number: (_type, value) => isNumeric(value),
};
const BSON_TYPES = new Set(["double", "string", "object", "array", "binData", "undefined", "objectId", "bool", "date", "null", "regex", "javascript", "symbol", "int", "timestamp", "long", "decimal", "minKey", "maxKey", "number"]);
const JSON_TYPES: Record<string, Check> = {
  object: isPlainDocument,
  array: Array.isArray,
  number: isNumeric,
  boolean: (value) => typeof value === "boolean",
  string: (value) => typeof value === "string",
  null: (value) => value === null,
};

const UNSUPPORTED = new Set(["$ref", "$schema", "default", "definitions", "format", "id"]);
const ANNOTATIONS = new Set(["title", "description"]);

function refuse(message: string): never {
  throw failedToParse(message);
}

function list(schema: Schema, keyword: string): unknown[] {
  const value = schema[keyword];
  if (!Array.isArray(value)) refuse(`$jsonSchema keyword '${keyword}' must be an array`);
  return value;
}

function count(schema: Schema, keyword: string): number {
  const value = toNumber(schema[keyword]);
  if (!Number.isInteger(value) || value < 0) refuse(`$jsonSchema keyword '${keyword}' must be a non-negative integer`);
  return value;
}

function typeCheck(types: unknown, known: (name: string) => Check | undefined, keyword: string): Check {
  const names = Array.isArray(types) ? types : [types];
  const checks = names.map((name) => {
    const check = typeof name === "string" ? known(name) : undefined;
    if (!check) refuse(`Unknown $jsonSchema ${keyword}: ${String(name)}`);
    return check;
  });
  return (value) => checks.some((check) => check(value));
}

function bsonTypeCheck(name: string): Check | undefined {
  if (!BSON_TYPES.has(name)) return undefined;
  const alias = BSON_ALIASES[name];
  return alias ? (value) => alias(name, value) : (value) => bsonTypeOf(value) === name;
}

/** One keyword's check, applied to any value (it passes values of the types it is not about). */
function keywordCheck(schema: Schema, keyword: string): Check | undefined {
  const argument = schema[keyword];
  const onNumbers = (test: (n: number) => boolean): Check => (value) => !isNumeric(value) || test(toNumber(value));
  const onStrings = (test: (s: string) => boolean): Check => (value) => typeof value !== "string" || test(value);
  const onArrays = (test: (a: unknown[]) => boolean): Check => (value) => !Array.isArray(value) || test(value);
  const onObjects = (test: (o: Record<string, unknown>) => boolean): Check => (value) => !isPlainDocument(value) || test(value);
  switch (keyword) {
    case "bsonType": return typeCheck(argument, bsonTypeCheck, "bsonType");
    case "type":
      if (argument === "integer") refuse("$jsonSchema type 'integer' is not currently supported.");
      return typeCheck(argument, (name) => JSON_TYPES[name], "type");
    case "enum": {
      const values = list(schema, "enum");
      return (value) => values.some((allowed) => compareValues(allowed, value) === 0);
    }
    case "minimum": {
      const bound = toNumber(argument);
      return onNumbers((n) => (schema.exclusiveMinimum === true ? n > bound : n >= bound));
    }
    case "maximum": {
      const bound = toNumber(argument);
      return onNumbers((n) => (schema.exclusiveMaximum === true ? n < bound : n <= bound));
    }
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      if (typeof argument !== "boolean") refuse(`$jsonSchema keyword '${keyword}' must be a boolean`);
      return undefined;
    case "multipleOf": {
      const divisor = toNumber(argument);
      if (!(divisor > 0)) refuse("$jsonSchema keyword 'multipleOf' must be a positive number");
      return onNumbers((n) => Number.isInteger(n / divisor));
    }
    case "minLength": { const min = count(schema, keyword); return onStrings((s) => [...s].length >= min); }
    case "maxLength": { const max = count(schema, keyword); return onStrings((s) => [...s].length <= max); }
    case "pattern": {
      if (typeof argument !== "string") refuse("$jsonSchema keyword 'pattern' must be a string");
      const regex = toRegexTester(argument);
      return onStrings((s) => regex.test(s));
    }
    case "minItems": { const min = count(schema, keyword); return onArrays((a) => a.length >= min); }
    case "maxItems": { const max = count(schema, keyword); return onArrays((a) => a.length <= max); }
    case "uniqueItems":
      if (argument !== true) return undefined;
      return onArrays((a) => new Set(a.map(valueKey)).size === a.length);
    case "items": {
      if (Array.isArray(argument)) {
        const positional = argument.map(compileSchema);
        const extra = schema.additionalItems;
        const rest = extra === undefined || extra === true ? undefined : extra === false ? () => false : compileSchema(extra);
        return onArrays((a) => a.every((item, i) => (i < positional.length ? positional[i]!(item) : rest ? rest(item) : true)));
      }
      const each = compileSchema(argument);
      return onArrays((a) => a.every(each));
    }
    case "additionalItems":
      return undefined; // read with `items`
    case "required": {
      const names = list(schema, "required");
      if (names.some((name) => typeof name !== "string")) refuse("$jsonSchema keyword 'required' must be an array of strings");
      return onObjects((o) => names.every((name) => (name as string) in o));
    }
    case "minProperties": { const min = count(schema, keyword); return onObjects((o) => Object.keys(o).length >= min); }
    case "maxProperties": { const max = count(schema, keyword); return onObjects((o) => Object.keys(o).length <= max); }
    case "properties":
    case "patternProperties":
    case "additionalProperties":
      return keyword === "properties" ? propertiesCheck(schema) : undefined;
    case "dependencies": {
      if (!isPlainDocument(argument)) refuse("$jsonSchema keyword 'dependencies' must be an object");
      const rules = Object.entries(argument).map(([name, rule]) => {
        const check: Check = Array.isArray(rule) ? (o) => rule.every((needed) => (needed as string) in (o as object)) : compileSchema(rule);
        return [name, check] as const;
      });
      return onObjects((o) => rules.every(([name, check]) => !(name in o) || check(o)));
    }
    case "allOf": { const all = list(schema, keyword).map(compileSchema); return (value) => all.every((check) => check(value)); }
    case "anyOf": { const any = list(schema, keyword).map(compileSchema); return (value) => any.some((check) => check(value)); }
    case "oneOf": { const one = list(schema, keyword).map(compileSchema); return (value) => one.filter((check) => check(value)).length === 1; }
    case "not": { const inner = compileSchema(argument); return (value) => !inner(value); }
    default:
      if (ANNOTATIONS.has(keyword)) return undefined;
      if (UNSUPPORTED.has(keyword)) refuse(`$jsonSchema keyword '${keyword}' is not currently supported`);
      refuse(`Unknown $jsonSchema keyword: ${keyword}`);
  }
}

/** `properties`, `patternProperties` and `additionalProperties` together, as JSON Schema reads them. */
function propertiesCheck(schema: Schema): Check {
  const properties = Object.entries((schema.properties ?? {}) as Schema).map(([name, inner]) => [name, compileSchema(inner)] as const);
  const patterns = Object.entries((schema.patternProperties ?? {}) as Schema).map(([pattern, inner]) => [toRegexTester(pattern), compileSchema(inner)] as const);
  const additional = schema.additionalProperties;
  const others: Check | undefined = additional === undefined || additional === true ? undefined : additional === false ? () => false : compileSchema(additional);
  const named = new Set(properties.map(([name]) => name));
  return (value) => {
    if (!isPlainDocument(value)) return true;
    for (const [name, check] of properties) if (name in value && !check(value[name])) return false;
    for (const [name, field] of Object.entries(value)) {
      const matching = patterns.filter(([regex]) => regex.test(name));
      if (!matching.every(([, check]) => check(field))) return false;
      if (others && !named.has(name) && matching.length === 0 && !others(field)) return false;
    }
    return true;
  };
}

const compiled = new WeakMap<object, Check>();

/** The schema as a predicate; throws 2 BadValue for a schema mongod would refuse. */
export function compileSchema(schema: unknown): Check {
  if (!isPlainDocument(schema)) refuse("$jsonSchema must be an object");
  const cached = compiled.get(schema);
  if (cached) return cached;
  // additionalProperties and patternProperties are read together with properties.
  const full: Schema = "additionalProperties" in schema || "patternProperties" in schema ? { properties: {}, ...schema } : schema;
  const checks = Object.keys(full).map((keyword) => keywordCheck(full, keyword)).filter((check): check is Check => check !== undefined);
  const check: Check = (value) => checks.every((one) => one(value));
  compiled.set(schema, check);
  return check;
}
