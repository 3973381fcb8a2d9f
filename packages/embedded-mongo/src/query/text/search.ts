/**
 * A `$text` query's `$search` string, parsed as mongod parses it: words are positive terms (a
 * document matches with any of them), `"quoted phrases"` must all appear, and a word or phrase
 * after a `-` that begins it must not. Words inside phrases count as terms too; a query of
 * negations only matches nothing.
 */
import { fold, terms, type TextLanguage } from "./tokens.ts";

export interface TextSearch {
  readonly positive: ReadonlySet<string>;
  readonly negated: ReadonlySet<string>;
  /** Folded phrases every match contains, and folded phrases none contains. */
  readonly phrases: readonly string[];
  readonly negatedPhrases: readonly string[];
}

export function parseSearch(search: string, language: TextLanguage): TextSearch {
  const positive = new Set<string>();
  const negated = new Set<string>();
  const phrases: string[] = [];
  const negatedPhrases: string[] = [];
  // A phrase is quoted; anything else is a run of non-space characters. Either may start with "-".
  for (const [, minus, phrase, word] of search.matchAll(/(-?)(?:"([^"]*)"?|([^\s"]+))/g)) {
    const negative = minus === "-";
    if (phrase !== undefined) {
      const folded = fold(phrase).trim();
      if (!folded) continue;
      (negative ? negatedPhrases : phrases).push(folded);
      if (!negative) for (const term of terms(phrase, language)) positive.add(term);
    } else if (word !== undefined) {
      for (const term of terms(word, language)) (negative ? negated : positive).add(term);
    }
  }
  return { positive, negated, phrases, negatedPhrases };
}
