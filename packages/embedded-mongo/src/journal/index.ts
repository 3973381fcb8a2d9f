export { openJournal, Journal, type JournalOptions, type JournalStatus } from "./journal.ts";
export type { RecoveryReport } from "./recovery.ts";
export { wrappedNumbersCodec, type RecordCodec } from "./record-codec.ts";
export { narrowFiles, PRIVATE_FILE_MODE, privateDirectory } from "./private-files.ts";
