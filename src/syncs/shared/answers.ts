/** Binding a response body from a where-clause: a session in a dialect's shape, or an error. */
import type { ErrorReason, Frame, Frames } from "../../engine/index.ts";
import type { SessionView } from "./sessions.ts";

/**
 * Binds `body` to `shape(view)` of the session bound to `view`: every change of FocusSession
 * answers the session as it left it, so the answer needs no read.
 */
export function answerWithView<F extends Frames>(frames: F, view: symbol, body: symbol, shape: (view: SessionView) => unknown): F {
  return frames.bind(body, (frame) => shape(frame[view] as SessionView));
}

/** Binds `status` and `body` from the `{ error, reason }` bound to `error` and `reason`, as the dialect words them. */
export function answerWithError<F extends Frames>(
  frames: F,
  { error, reason, status, body }: { error: symbol; reason: symbol; status: symbol; body: symbol },
  word: (error: string, reason: ErrorReason | undefined) => { status: number; body: unknown },
): F {
  const worded = Symbol("worded");
  return frames
    .bind(worded, (frame: Frame) => word(frame[error] as string, frame[reason] as ErrorReason | undefined))
    .bind(status, (frame) => (frame[worded] as { status: number }).status)
    .bind(body, (frame) => (frame[worded] as { body: unknown }).body);
}
