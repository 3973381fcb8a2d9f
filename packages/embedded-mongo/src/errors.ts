/** A failure that mongod reports with a code: raised anywhere, answered as `ok: 0`. */
export class MongoServerFailure extends Error {
  constructor(
    readonly code: number,
    readonly codeName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badValue = (message: string): MongoServerFailure => new MongoServerFailure(2, "BadValue", message);
export const failedToParse = (message: string): MongoServerFailure => new MongoServerFailure(9, "FailedToParse", message);
export const typeMismatch = (message: string): MongoServerFailure => new MongoServerFailure(14, "TypeMismatch", message);
