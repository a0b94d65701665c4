import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { AppError } from "@/lib/errors";

// scrypt is memory-hard and ships with Node, so no native addon to build on every machine.
// N=2^15, r=8 uses 32 MiB per hash (OWASP's minimum recommendation is N=2^17 with r=8, p=1 for
// interactive use; 2^15 keeps a sign-in near 100 ms on these 2-core machines). The parameters are
// stored with each hash, so raising them later only affects new hashes.
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 128 * N * R * 2;

export { PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH } from "./password-policy";

// At most MAX_CONCURRENT_HASHES hashes run at once in a process (each holds 32 MiB and a libuv
// thread, of which Node has 4), and at most MAX_QUEUED_HASHES wait; beyond that a request is
// refused at once with HashingBusy rather than queued, so a flood of sign-ins for random emails
// costs the server a bounded amount of memory and CPU, and a queued sign-in waits at most about
// MAX_QUEUED_HASHES / MAX_CONCURRENT_HASHES hash times (under a second at ~100 ms a hash).
export const MAX_CONCURRENT_HASHES = 4;
export const MAX_QUEUED_HASHES = 32;

export class HashingBusy extends AppError {
  constructor() {
    super("RATE_LIMITED", "The server is busy checking other passwords. Try again in a few seconds.");
  }
}

let hashing = 0;
const waiting: Array<() => void> = [];

async function acquireHashSlot(): Promise<void> {
  if (hashing < MAX_CONCURRENT_HASHES) {
    hashing++;
    return;
  }
  if (waiting.length >= MAX_QUEUED_HASHES) throw new HashingBusy();
  // The slot is handed over by releaseHashSlot, so `hashing` does not change here.
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseHashSlot(): void {
  const next = waiting.shift();
  if (next) next();
  else hashing--;
}

/** Hashes running and waiting in this process. */
export function hashingLoad(): { running: number; waiting: number } {
  return { running: hashing, waiting: waiting.length };
}

async function scrypt(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: Math.max(MAX_MEMORY, 128 * n * r * 2) };
  await acquireHashSlot();
  try {
    return await new Promise((resolve, reject) =>
      scryptCb(password.normalize("NFKC"), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
    );
  } finally {
    releaseHashSlot();
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${key.toString("base64")}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64");
  const actual = await scrypt(password, Buffer.from(salt, "base64"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, compared against when the account does not exist, so timing does not tell. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
  return decoyHash;
}

/** A readable random password for generated accounts (≈120 bits). */
export function generatePassword(): string {
  return randomBytes(15)
    .toString("base64url")
    .replace(/(.{5})(?=.)/g, "$1-");
}
