/**
 * Which connections the server keeps. Past `maxConnections` a new one is refused
 * (connection-cap.ts). Where a login is required, a connection that has not logged in yet
 * is a stranger's until it does, and strangers are kept on a budget of their own, as
 * PostgreSQL's and MySQL's login timeouts do:
 * - one that has not logged in within `loginTimeoutMs` of connecting is closed;
 * - at most `maxUnauthenticated` wait at once: a new one past that closes the oldest waiting;
 * - they never fill the cap: while the cap is reached, a new one closes the oldest waiting
 *   rather than being refused, so only logged-in connections can make the server refuse.
 * Idle sockets by the thousand therefore cost the server at most the budget, for seconds,
 * and the right password still gets in. A driver's monitoring connection never logs in (as
 * with mongod): it is closed after the timeout and opened again at the next heartbeat.
 */
import type { Socket } from "node:net";
import { refuseConnection } from "./connection-cap.ts";

/** How long a connection may take to log in, by default (PostgreSQL's authentication_timeout is 60 s; a driver needs milliseconds). */
export const LOGIN_TIMEOUT_MS = 5_000;
/** Connections waiting to log in at most, by default: a driver's pool opens two at a time. */
export const MAX_UNAUTHENTICATED_CONNECTIONS = 100;

export interface AdmissionLimits {
  maxConnections: number;
  /** Whether connections must log in (the server has users); without it only the cap applies. */
  loginRequired: boolean;
  loginTimeoutMs: number;
  maxUnauthenticated: number;
}

export class Admission {
  /** Connections that logged in, or every connection when no login is required. */
  private admitted = 0;
  /** Connections waiting to log in, oldest first, each with its deadline's timer. */
  private readonly waiting = new Map<Socket, NodeJS.Timeout>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Open connections (refused ones excepted). */
  get open(): number {
    return this.admitted + this.waiting.size;
  }

  /**
   * Takes a new connection in, or refuses it (answered and closed: undefined). Returns what
   * to call once it has logged in.
   */
  admit(socket: Socket): (() => void) | undefined {
    const { maxConnections, loginRequired } = this.limits;
    if (!loginRequired) {
      if (this.admitted >= maxConnections) return this.refuse(socket);
      this.admitted += 1;
      socket.on("close", () => (this.admitted -= 1));
      return () => undefined;
    }
    if (this.waiting.size >= this.limits.maxUnauthenticated) this.closeOldestWaiting();
    if (this.open >= maxConnections) {
      if (this.waiting.size === 0) return this.refuse(socket);
      this.closeOldestWaiting();
    }
    this.waiting.set(socket, setTimeout(() => this.close(socket), this.limits.loginTimeoutMs).unref());
    let loggedIn = false;
    socket.on("close", () => {
      if (loggedIn) this.admitted -= 1;
      else this.stopWaiting(socket);
    });
    return () => {
      if (loggedIn || !this.stopWaiting(socket)) return;
      loggedIn = true;
      this.admitted += 1;
    };
  }

  private refuse(socket: Socket): undefined {
    refuseConnection(socket, this.limits.maxConnections);
    return undefined;
  }

  private closeOldestWaiting(): void {
    const oldest = this.waiting.keys().next();
    if (oldest.done !== true) this.close(oldest.value);
  }

  /** Closes a connection that did not log in; it stops counting at once, not when its close event comes. */
  private close(socket: Socket): void {
    this.stopWaiting(socket);
    socket.destroy();
  }

  /** Whether the socket was waiting (it is not any more). */
  private stopWaiting(socket: Socket): boolean {
    const timer = this.waiting.get(socket);
    if (timer === undefined) return false;
    clearTimeout(timer);
    this.waiting.delete(socket);
    return true;
  }
}
