import { randomBytes, sign, verify, type KeyObject } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { count, desc, isNotNull, min } from "drizzle-orm";
import { canonicalJson, GENESIS_HASH, walkAuditChain, type ChainReport } from "./audit";
import { auditKeys, checkpointDir, loadSigningKey, type AuditKeys } from "./audit-keys";
import type { Db } from "./index";
import { auditLog } from "./schema";
import { clock } from "@/lib/clock";

// Anchors the audit log's head outside the database. The chain's MACs stop anyone without the
// key from rewriting rows, but not from deleting the newest ones: the rows left still form a valid
// chain. A checkpoint records the head at one moment (last row id, its MAC, how many rows, the
// first keyed row), signed with an Ed25519 key that is not in the database, in a file outside it.
// Verification then fails if the row a checkpoint names is gone or differs. Rows written after the
// newest checkpoint are anchored only by the next one, so the interval bounds what can be removed
// unseen.

export interface Checkpoint {
  /** The last row's id when the checkpoint was taken; 0 for an empty log. */
  lastId: number;
  /** That row's MAC (or plain hash, for a row written before the log was keyed). */
  mac: string;
  /** Rows in the log up to and including lastId. */
  count: number;
  /** The first keyed row; from it on every row must be keyed. Null when no row was keyed yet. */
  firstKeyedId: number | null;
  /** The HMAC key's id (never the key). */
  keyId: string;
  /** When it was taken (the product's clock). */
  at: string;
}

interface SignedCheckpoint extends Checkpoint {
  /** Ed25519 over the canonical JSON of the other fields. */
  signature: string;
}

function signedBytes(c: Checkpoint): Buffer {
  const { lastId, mac, count, firstKeyedId, keyId, at } = c;
  return Buffer.from(canonicalJson({ lastId, mac, count, firstKeyedId, keyId, at }));
}

/** The head of the log, read in one snapshot so that the id, MAC and count agree. */
async function readHead(db: Db, keys: AuditKeys): Promise<Checkpoint> {
  return db.transaction(
    async (tx) => {
      const [last] = await tx
        .select({ id: auditLog.id, hash: auditLog.hash })
        .from(auditLog)
        .orderBy(desc(auditLog.id))
        .limit(1);
      const [{ rows }] = (await tx.select({ rows: count() }).from(auditLog)) as [{ rows: number }];
      const [{ first }] = (await tx
        .select({ first: min(auditLog.id) })
        .from(auditLog)
        .where(isNotNull(auditLog.keyId))) as [{ first: number | null }];
      return {
        lastId: last?.id ?? 0,
        mac: last?.hash ?? GENESIS_HASH,
        count: rows,
        firstKeyedId: first === null ? null : Number(first),
        keyId: keys.keyId,
        at: clock.now().toISOString(),
      };
    },
    { isolationLevel: "repeatable read", accessMode: "read only" },
  );
}

/** Writes a signed checkpoint of the log's head into `dir`; returns its file and content. */
export async function writeCheckpoint(
  db: Db,
  options: { dir?: string; privateKey?: KeyObject; keys?: AuditKeys } = {},
): Promise<{ file: string; checkpoint: Checkpoint }> {
  const dir = options.dir ?? checkpointDir();
  const privateKey = options.privateKey ?? loadSigningKey().privateKey;
  const checkpoint = await readHead(db, options.keys ?? auditKeys());
  const signed: SignedCheckpoint = {
    ...checkpoint,
    signature: sign(null, signedBytes(checkpoint), privateKey).toString("base64"),
  };
  mkdirSync(dir, { recursive: true });
  const name = `checkpoint-${String(checkpoint.lastId).padStart(15, "0")}-${checkpoint.at.replace(/[-:.]/g, "")}.json`;
  const file = path.join(dir, name);
  // Written aside and renamed into place: a reader never sees half a checkpoint.
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  writeFileSync(temp, `${JSON.stringify(signed, null, 2)}\n`);
  renameSync(temp, file);
  return { file, checkpoint };
}

export interface CheckpointProblem {
  file: string;
  problem: string;
}

export interface AuditVerification {
  chain: ChainReport;
  checkpoints: number;
  problems: CheckpointProblem[];
}

function parseCheckpoint(text: string): SignedCheckpoint {
  const c = JSON.parse(text) as Record<string, unknown>;
  const ok =
    Number.isSafeInteger(c.lastId) &&
    typeof c.mac === "string" &&
    Number.isSafeInteger(c.count) &&
    (c.firstKeyedId === null || Number.isSafeInteger(c.firstKeyedId)) &&
    typeof c.keyId === "string" &&
    typeof c.at === "string" &&
    typeof c.signature === "string";
  if (!ok) throw new Error("not a checkpoint (a field is missing or has the wrong type)");
  return c as unknown as SignedCheckpoint;
}

/**
 * Verifies the chain (db/audit.ts) and every checkpoint in `dir` against it: each must carry a
 * valid signature, and the row it names must still be there, with the same MAC, at the same
 * position, and the first keyed row must be the one it recorded.
 */
export async function verifyAuditLog(
  db: Db,
  options: { dir?: string; publicKey?: KeyObject; keys?: AuditKeys } = {},
): Promise<AuditVerification> {
  const dir = options.dir ?? checkpointDir();
  const publicKey = options.publicKey ?? loadSigningKey().publicKey;
  let names: string[] = [];
  try {
    names = readdirSync(dir).filter((n) => n.startsWith("checkpoint-") && n.endsWith(".json"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const problems: CheckpointProblem[] = [];
  const checkpoints: { file: string; c: SignedCheckpoint }[] = [];
  for (const name of names.sort()) {
    const file = path.join(dir, name);
    try {
      const c = parseCheckpoint(readFileSync(file, "utf8"));
      if (!verify(null, signedBytes(c), publicKey, Buffer.from(c.signature, "base64")))
        problems.push({ file, problem: "its signature does not verify with this installation's signing key" });
      else checkpoints.push({ file, c });
    } catch (e) {
      problems.push({ file, problem: `cannot be read: ${(e as Error).message}` });
    }
  }
  const walk = await walkAuditChain(db, {
    ...(options.keys ? { keys: options.keys } : {}),
    watch: new Set(checkpoints.map(({ c }) => c.lastId)),
  });
  // A broken chain is reported on its own: what it saw of the rows after the break says nothing.
  if (!walk.report.ok) return { chain: walk.report, checkpoints: names.length, problems };
  for (const { file, c } of checkpoints) {
    const row = walk.seen.get(c.lastId);
    if (c.lastId === 0) {
      if (c.count !== 0) problems.push({ file, problem: "names no row but counts some" });
    } else if (!row)
      problems.push({
        file,
        problem: `row ${c.lastId}, the head when it was taken (${c.at}), is gone: rows were deleted from the end of the log`,
      });
    else if (row.hash !== c.mac)
      problems.push({ file, problem: `row ${c.lastId} no longer has the MAC it recorded: the row was rewritten` });
    else if (row.position !== c.count)
      problems.push({
        file,
        problem: `row ${c.lastId} is row ${row.position} of the log, the checkpoint counted ${c.count}: rows were removed or inserted before it`,
      });
    if (c.firstKeyedId !== null && walk.firstKeyedId !== c.firstKeyedId)
      problems.push({
        file,
        problem: `the first keyed row is ${walk.firstKeyedId ?? "none"}, the checkpoint recorded ${c.firstKeyedId}: keyed rows were rewritten with the plain hash`,
      });
  }
  return { chain: walk.report, checkpoints: names.length, problems };
}

/**
 * Writes a checkpoint now and every `minutes` after, until the returned function is called (the
 * worker's). A failed checkpoint is logged and the next one tried on time.
 */
export function scheduleCheckpoints(db: Db, minutes: number, log: (message: string) => void): () => void {
  if (minutes <= 0) return () => undefined;
  const run = () =>
    writeCheckpoint(db).then(
      ({ file, checkpoint }) => log(`audit checkpoint: row ${checkpoint.lastId}, ${checkpoint.count} rows → ${file}`),
      (e: Error) => log(`audit checkpoint failed: ${e.message}`),
    );
  void run();
  const timer = setInterval(run, minutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
