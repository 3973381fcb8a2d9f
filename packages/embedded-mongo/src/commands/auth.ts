/**
 * Authentication as mongod does it: SCRAM-SHA-256 (RFC 5802, RFC 7677) over `saslStart` and
 * `saslContinue`, so the official driver, mongosh and Compass log in with their standard
 * mechanism. The server keeps, per user, only the salted keys (never the password). While a
 * server has users, a connection that has not logged in may run only the handshake commands;
 * anything else answers 13 Unauthorized.
 * A name that is not a user costs no more than one that is: no key is derived for it (a
 * pbkdf2 of 15,000 rounds would hold the thread ~5 ms per attempt), and its salt is a keyed
 * hash of the name, the same at every attempt, so the challenge does not tell names apart;
 * the conversation then fails as a wrong password does.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { Binary, type Document } from "bson";
import { MongoServerFailure } from "../errors.ts";
import type { CommandContext, CommandTable } from "./context.ts";

export const scramMechanism = "SCRAM-SHA-256";
const iterations = 15_000;
const saltBytes = 28;

/** What the server stores for a user: the RFC 5802 keys, derived once from the password. */
export interface ScramCredential {
  readonly user: string;
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
  /** The one database this user has rights on (rights.ts); absent: every database (an administrator). */
  readonly database?: string;
}

/** A connection's login: who it is once logged in, and the conversation under way. */
export interface ConnectionAuth {
  user?: string;
  conversation?: { credential: ScramCredential; clientFirstBare: string; serverFirst: string; nonce: string; done: boolean };
}

export function scramCredential(user: string, password: string, salt: Buffer = randomBytes(saltBytes)): ScramCredential {
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = hmac(salted, "Client Key");
  return { user, salt, iterations, storedKey: sha256(clientKey), serverKey: hmac(salted, "Server Key") };
}

/**
 * What an unknown name is challenged with: a salt that is the keyed hash of the name (`secret`
 * is the server's, made with its users), so each attempt gets the same one, as a real user
 * does; keys that are random, so no proof can match.
 */
function decoyCredential(user: string, secret: Buffer): ScramCredential {
  const salt = createHmac("sha256", secret).update(user).digest().subarray(0, saltBytes);
  return { user, salt, iterations, storedKey: randomBytes(32), serverKey: randomBytes(32) };
}

/** Commands a connection may run before it logs in (what a driver sends to connect and log in). */
const beforeLogin = new Set(["hello", "ismaster", "saslstart", "saslcontinue", "buildinfo", "ping", "endsessions", "logout", "getnonce"]);

/** Throws 13 Unauthorized when the server has users and this connection has not logged in. */
export function requireLogin(name: string, context: CommandContext): void {
  if (context.server.users === undefined || context.auth.user !== undefined) return;
  if (beforeLogin.has(name.toLowerCase())) return;
  throw new MongoServerFailure(13, "Unauthorized", `command ${name} requires authentication`);
}

function saslStart(command: Document, context: CommandContext): Document {
  const users = context.server.users;
  if (command.mechanism !== scramMechanism) {
    throw new MongoServerFailure(2, "BadValue", `Unsupported mechanism '${String(command.mechanism)}' (this server offers ${scramMechanism})`);
  }
  const clientFirst = payloadText(command.payload);
  // gs2 header "n,," (no channel binding, no authzid), then "n=<user>,r=<nonce>".
  const match = /^n,,(n=([^,]*),r=([^,]+))$/.exec(clientFirst);
  if (match === null) throw authFailure();
  const [, clientFirstBare = "", encodedUser = "", clientNonce = ""] = match;
  const user = decodeName(encodedUser);
  // Made for every name, so that a user's start takes as long as a stranger's.
  const decoy = decoyCredential(user, context.server.decoySaltKey ?? randomBytes(32));
  const challenge = users?.get(user) ?? decoy;
  const nonce = clientNonce + randomBytes(24).toString("base64");
  const serverFirst = `r=${nonce},s=${challenge.salt.toString("base64")},i=${challenge.iterations}`;
  context.auth.conversation = { credential: challenge, clientFirstBare, serverFirst, nonce, done: false };
  context.auth.user = undefined;
  return { conversationId: 1, done: false, payload: new Binary(Buffer.from(serverFirst)), ok: 1 };
}

function saslContinue(command: Document, context: CommandContext): Document {
  const conversation = context.auth.conversation;
  if (conversation === undefined) throw new MongoServerFailure(17, "ProtocolError", "No SASL session state found");
  if (conversation.done) {
    // The client's empty last step (when it did not ask to skip it).
    context.auth.conversation = undefined;
    return { conversationId: 1, done: true, payload: new Binary(Buffer.alloc(0)), ok: 1 };
  }
  const clientFinal = payloadText(command.payload);
  const match = /^(c=biws,r=([^,]+)),p=([A-Za-z0-9+/=]+)$/.exec(clientFinal);
  if (match === null || match[2] !== conversation.nonce) {
    context.auth.conversation = undefined;
    throw authFailure();
  }
  const [, withoutProof = "", , proof = ""] = match;
  const { credential, clientFirstBare, serverFirst } = conversation;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const clientSignature = hmac(credential.storedKey, authMessage);
  const given = Buffer.from(proof, "base64");
  if (given.length !== clientSignature.length) {
    context.auth.conversation = undefined;
    throw authFailure();
  }
  const clientKey = Buffer.from(given.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
  if (!timingSafeEqual(sha256(clientKey), credential.storedKey)) {
    context.auth.conversation = undefined;
    throw authFailure();
  }
  context.auth.user = credential.user;
  const serverFinal = `v=${hmac(credential.serverKey, authMessage).toString("base64")}`;
  const skipEmptyExchange = (command.options as Document | undefined)?.skipEmptyExchange === true;
  if (skipEmptyExchange) context.auth.conversation = undefined;
  else conversation.done = true;
  return { conversationId: 1, done: skipEmptyExchange, payload: new Binary(Buffer.from(serverFinal)), ok: 1 };
}

function logout(_command: Document, context: CommandContext): Document {
  context.auth.user = undefined;
  context.auth.conversation = undefined;
  return { ok: 1 };
}

export const authCommands: CommandTable = {
  saslstart: saslStart,
  saslcontinue: saslContinue,
  logout,
};

/**
 * What `hello` answers to `saslSupportedMechs: "<db>.<user>"`: the mechanism, whatever the
 * name (answering only for users would tell which names are users).
 */
export function supportedMechanisms(command: Document, context: CommandContext): Document {
  if (typeof command.saslSupportedMechs !== "string" || context.server.users === undefined) return {};
  return { saslSupportedMechs: [scramMechanism] };
}

function authFailure(): MongoServerFailure {
  return new MongoServerFailure(18, "AuthenticationFailed", "Authentication failed.");
}

function payloadText(payload: unknown): string {
  if (payload instanceof Binary) return Buffer.from(payload.buffer).toString("utf8");
  if (payload instanceof Uint8Array) return Buffer.from(payload).toString("utf8");
  if (typeof payload === "string") return payload;
  throw new MongoServerFailure(2, "BadValue", "payload must be binary");
}

/** SCRAM escapes "," as "=2C" and "=" as "=3D" in names. */
function decodeName(name: string): string {
  return name.replaceAll("=2C", ",").replaceAll("=3D", "=");
}

function hmac(key: Buffer, text: string): Buffer {
  return createHmac("sha256", key).update(text).digest();
}

function sha256(data: Buffer): Buffer {
  return createHash("sha256").update(data).digest();
}
