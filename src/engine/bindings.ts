/** Concept instances bound by concept and operation name, as references and records name them. */
import type { ConceptClass, OperationSchema } from "./concept.ts";

/** What an action method receives besides its input (concepts may ignore it). */
export interface ActionContext {
  readonly flow: string;
  /**
   * Stable across a crash and a resume: an action whose effect happened but whose record was
   * lost runs again with the same key, and should answer its original outcome. The engine
   * gives one to every action it runs (a then-action's derives from its sync and matched
   * records, an external invocation's is its record id); direct calls may omit it.
   */
  readonly idempotencyKey?: string;
}

export interface Binding {
  readonly concept: string;
  readonly name: string;
  readonly schema: OperationSchema;
  readonly call: (input: unknown, context: ActionContext) => Promise<unknown>;
  /** A batched query's `<query>Batches` method (`QuerySchema.batched`). */
  readonly batches?: (input: unknown) => Promise<unknown>;
  /** A `many` query's `<query>Many` method (`QuerySchema.many`): one answer per input, in order. */
  readonly many?: (inputs: readonly unknown[]) => Promise<readonly unknown[]>;
}

export class Bindings {
  private readonly concepts = new Map<string, Map<string, Binding>>();
  private readonly ephemeralConcepts = new Set<string>();

  register(conceptClass: ConceptClass, instance: object): void {
    const name = conceptClass.conceptName;
    if (this.concepts.has(name)) throw new Error(`concept ${name} is already registered`);
    const operations = new Map<string, Binding>();
    for (const [operation, schema] of Object.entries(conceptClass.schemas)) {
      const method = (instance as Record<string, unknown>)[operation];
      if (typeof method !== "function") throw new TypeError(`${name}.${operation} is declared in its schemas but the class has no such method`);
      operations.set(operation, {
        concept: name,
        name: operation,
        schema,
        call: method.bind(instance),
        ...(schema.kind === "query" && schema.batched === true && { batches: companion(instance, name, operation, "Batches", "batched") }),
        ...(schema.kind === "query" && schema.many === true && { many: companion(instance, name, operation, "Many", "many") }),
      });
    }
    this.concepts.set(name, operations);
    if (conceptClass.ephemeral === true) this.ephemeralConcepts.add(name);
  }

  /** Whether the concept keeps its state in memory only (`ConceptClass.ephemeral`). */
  isEphemeral(concept: string): boolean {
    return this.ephemeralConcepts.has(concept);
  }

  find(concept: string, operation: string): Binding | undefined {
    return this.concepts.get(concept)?.get(operation);
  }

  get(concept: string, operation: string): Binding {
    const binding = this.find(concept, operation);
    if (binding === undefined) throw new Error(`no registered concept operation ${concept}.${operation}`);
    return binding;
  }

  conceptNames(): string[] {
    return [...this.concepts.keys()];
  }
}

/** A query's companion method (`_summaryMany`, `_getSessionsBatches`), bound; a declared one must exist. */
function companion<F>(instance: object, concept: string, operation: string, suffix: string, flag: string): F {
  const method = (instance as Record<string, unknown>)[`${operation}${suffix}`];
  if (typeof method !== "function") throw new TypeError(`${concept}.${operation} is declared ${flag} but the class has no ${operation}${suffix} method`);
  return method.bind(instance) as F;
}

/** The concept class an instance was made from, when it declares itself as one. */
export function conceptClassOf(instance: object): ConceptClass {
  const candidate = instance.constructor as Partial<ConceptClass>;
  if (typeof candidate.conceptName !== "string" || typeof candidate.schemas !== "object") {
    throw new TypeError("register(): each instance must be made by a concept class with static conceptName and schemas");
  }
  return candidate as ConceptClass;
}
