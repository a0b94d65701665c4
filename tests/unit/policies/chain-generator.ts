import type { Json, JsonObject } from "@/lib/policies/parse";

// Chains of backup policy documents (root first, several per level) from a seed, for checking our
// merge against the simulator's. Documents stay within what CreatePolicy accepts: an operator on
// every setting, @@append/@@remove on lists only, each operator once per setting.

/** mulberry32: a small seeded generator, so a failure names a chain that can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `mixedCase`: also names differing only in case ("daily" and "Daily"), which AWS takes as one key. */
export function generateChain(seed: number, options: { mixedCase?: boolean } = {}): JsonObject[][] {
  const r = rng(seed);
  const mixed = options.mixedCase ?? true;
  const names = (xs: readonly string[]) => (mixed ? xs : [...new Set(xs.map((x) => x.toLowerCase()))]);
  const chance = (p: number) => r() < p;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const some = <T>(xs: readonly T[]): T[] => xs.filter(() => chance(0.5));
  const CONTROLS = [
    ["@@all"],
    ["@@none"],
    ["@@append"],
    ["@@assign"],
    ["@@remove"],
    ["@@append", "@@remove"],
    ["@@assign", "@@append"],
  ];
  const REGIONS = ["us-east-1", "eu-west-1", "ap-south-1", "eu-north-1"];

  const control = (o: JsonObject): JsonObject =>
    chance(0.15) ? { "@@operators_allowed_for_child_policies": pick(CONTROLS), ...o } : o;
  const list = (values: readonly string[]): JsonObject => {
    const out: JsonObject = {};
    for (const op of ["@@assign", "@@append", "@@remove"]) if (chance(0.4)) out[op] = some(values);
    if (Object.keys(out).length === 0) out[pick(["@@assign", "@@append", "@@remove"])] = some(values);
    return control(out);
  };
  // Now and then a setting that only restricts its children (inheritance example 5's policy H).
  const scalar = (values: readonly string[]): JsonObject =>
    chance(0.9) ? control({ "@@assign": pick(values) }) : { "@@operators_allowed_for_child_policies": pick(CONTROLS) };
  const maybe = (o: JsonObject, key: string, make: () => Json, p = 0.5) => {
    if (chance(p)) o[key] = make();
  };

  function rule(): JsonObject {
    const o: JsonObject = {};
    maybe(o, "schedule_expression", () => scalar(["cron(0 5 ? * * *)", "cron(0 1 ? * * *)", "rate(12 hours)"]));
    maybe(o, "target_backup_vault_name", () => scalar(["Default", "vault-$region", "central"]));
    maybe(o, "lifecycle", () => control({ delete_after_days: scalar(["35", "90", "365"]) }));
    maybe(
      o,
      "copy_actions",
      () => {
        const arn = pick([
          mixed
            ? "arn:aws:backup:$region:$account:backup-vault:Copy"
            : "arn:aws:backup:$region:$account:backup-vault:copy",
          "arn:aws:backup:eu-west-1:111122223333:backup-vault:dr",
        ]);
        return { [arn]: { target_backup_vault_arn: scalar([arn]) } };
      },
      0.2,
    );
    return control(o);
  }

  function plan(): JsonObject {
    const o: JsonObject = {};
    maybe(o, "regions", () => list(REGIONS), 0.7);
    maybe(o, "rules", () => {
      const rules: JsonObject = {};
      for (const name of some(names(["nightly", "Nightly", "hourly"]))) rules[name] = rule();
      return control(rules);
    });
    maybe(
      o,
      "selections",
      () =>
        control({
          tags: {
            [pick(names(["tagged", "Tagged"]))]: control({
              iam_role_arn: scalar(["arn:aws:iam::$account:role/Backup"]),
              tag_value: list(["prod", "daily", "critical"]),
            }),
          },
        }),
      0.3,
    );
    return control(o);
  }

  function doc(): JsonObject {
    const plans: JsonObject = {};
    for (const name of some(names(["daily", "Daily", "monthly", "pii"]))) plans[name] = plan();
    return { plans: control(plans) };
  }

  const levels: JsonObject[][] = [];
  const depth = 1 + Math.floor(r() * 5);
  for (let i = 0; i < depth; i++) levels.push(Array.from({ length: Math.floor(r() * 3.2) }, doc));
  return levels;
}

/** Key-order-insensitive JSON text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}
