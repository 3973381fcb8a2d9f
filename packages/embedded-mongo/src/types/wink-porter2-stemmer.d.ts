/** The Snowball English (Porter2) stemmer mongod's text indexes use, as the package exports it. */
declare module "wink-porter2-stemmer" {
  export default function stem(word: string): string;
}
