import { demoWorld } from "@/sim/world/demo";
const w = demoWorld(1) as any;
const rules = w.plans.flatMap((p: any) => p.versions.at(-1).rules.map((r: any) => ({ plan: p.name, acct: p.account_id, r })));
console.log("rules without lifecycle:", rules.filter((x: any) => !x.r.lifecycle || x.r.lifecycle.delete_after_days === undefined).map((x: any) => `${x.acct}/${x.plan}/${x.r.name}`));
console.log("plans without selections:", w.plans.filter((p: any) => !p.selections?.length).map((p: any) => `${p.account_id}/${p.region}/${p.name}`));
const targeted = new Set(rules.map((x: any) => `${x.acct}:${x.r.target_vault}`));
console.log("vaults:", w.vaults.length, "untargeted vaults:", w.vaults.filter((v: any) => !targeted.has(`${v.account_id}:${v.name}`)).map((v: any) => `${v.account_id}/${v.region}/${v.name}`));
console.log("resource keys", Object.keys(w.resources[0]));
