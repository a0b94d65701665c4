import { BackupClient, ListBackupVaultsCommand, ListRecoveryPointsByBackupVaultCommand } from "@aws-sdk/client-backup";
import { STSClient, AssumeRoleCommand } from "@aws-sdk/client-sts";
import { writeFileSync } from "node:fs";
const url = process.argv[2]!;
const w = await (await fetch(url + "/_sim/world")).json() as any;
const sts = new STSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: w.principal.access_key_id, secretAccessKey: w.principal.secret_access_key } });
const m = (await sts.send(new AssumeRoleCommand({ RoleArn: w.management_role_arn, RoleSessionName: "mbxx", ExternalId: w.external_id }))).Credentials!;
const sts2 = new STSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: m.AccessKeyId!, secretAccessKey: m.SecretAccessKey!, sessionToken: m.SessionToken } });
let best: any = null;
for (const a of w.accounts) {
  const id = a.id ?? a.account_id ?? a.Id;
  try {
    const r = (await sts2.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${id}:role/${w.member_role_name}`, RoleSessionName: "mbxx" }))).Credentials!;
    const c = new BackupClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: r.AccessKeyId!, secretAccessKey: r.SecretAccessKey!, sessionToken: r.SessionToken } });
    for (const v of (await c.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? []) if (!best || Number(v.NumberOfRecoveryPoints) > best.n) best = { c, name: v.BackupVaultName, n: Number(v.NumberOfRecoveryPoints) };
  } catch (e) { }
}
console.log("biggest vault", best.name, best.n);
let raw: Buffer | null = null;
best.c.middlewareStack.add((next: any) => async (args: any) => { const r: any = await next(args); return r; }, { step: "deserialize", name: "x" });
const t0 = performance.now(); const c0 = process.cpuUsage(); let n = 0;
for (let i = 0; i < 300; i++) {
  const r = await best.c.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: best.name, MaxResults: 1000 }));
  n += r.RecoveryPoints?.length ?? 0;
}
const cu = process.cpuUsage(c0); console.log("sdk", (performance.now() - t0).toFixed(0), "ms wall,", ((cu.user+cu.system)/1000).toFixed(0), "ms client CPU for", n, "points");
// raw: the same request's bytes, decode + parse only
const r0: any = await best.c.send(new ListRecoveryPointsByBackupVaultCommand({ BackupVaultName: best.name, MaxResults: 1000 }));
const body = Buffer.from(JSON.stringify({ RecoveryPoints: r0.RecoveryPoints.map((p: any) => ({ ...p, CreationDate: p.CreationDate.getTime()/1000, CompletionDate: p.CompletionDate?.getTime()/1000 })) }));
console.log("body bytes", body.length, "non-ascii", [...body].filter((b) => b > 127).length);
let t1 = performance.now(); for (let i = 0; i < 300; i++) body.toString("utf8"); console.log("toString x300", (performance.now()-t1).toFixed(0), "ms");
t1 = performance.now(); for (let i = 0; i < 300; i++) JSON.parse(body as any); console.log("JSON.parse(buf) x300", (performance.now()-t1).toFixed(0), "ms");

