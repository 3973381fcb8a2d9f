/**
 * Text as a text index sees it (textIndexVersion 3): case and diacritics folded away, split at
 * anything that is not a letter, digit or in-word apostrophe, English stop words left out and
 * each word reduced to its Snowball English (Porter2) stem; language "none" keeps every word
 * unstemmed.
 */
import stem from "wink-porter2-stemmer";
import { ENGLISH_STOP_WORDS } from "./stop-words.ts";

export type TextLanguage = "english" | "none";

/** Lower case without diacritics ("Café" and "cafe" are one word). */
export function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{M}+/gu, "").toLowerCase();
}

const WORD = /[\p{L}\p{N}]+(?:'[\p{L}\p{N}]+)*/gu;

/** The folded words of a text, in order, stop words included. */
export function foldedWords(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

/** The index terms of a text, in order: stop words out, stems in. */
export function terms(text: string, language: TextLanguage): string[] {
  const words = foldedWords(text);
  if (language === "none") return words;
  return words.filter((word) => !ENGLISH_STOP_WORDS.has(word)).map((word) => stem(word.replace(/'/g, "")));
}
