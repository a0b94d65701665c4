import { z } from "zod";
import { ALERT_CHANNEL_KINDS, ALERT_DIGEST_FREQUENCIES, ALERT_EVENT_KINDS } from "@/db/schema";
import type { ChannelInput, RuleInput } from "./alerts";

// What the Alerts page's forms send (every value a string, lists as repeated or comma-separated
// fields) turned into the inputs of lib/alerts (channels.ts, rules.ts). Those check the values
// themselves; field names here are theirs (`params.<name>`, `mute.<name>`), so their field errors
// land beside the right inputs.

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === "string" ? [v] : []).flatMap((s) => String(s).split(/[\s,]+/)).filter(Boolean);

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());

/** Params the forms send per kind; a blank number is left to the rule's default, a blank nullable one is null. */
const NUMBER_PARAMS = new Set(["factor", "minFailures", "windowHours", "historyDays"]);
const NULLABLE_NUMBER_PARAMS = new Set(["below", "dropPoints"]);
const LIST_PARAMS = new Set(["controlIds", "accountIds"]);

function paramsOf(form: Record<string, unknown>): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(form)) {
    if (!key.startsWith("params.")) continue;
    const name = key.slice("params.".length);
    const text = typeof value === "string" ? value.trim() : value;
    if (LIST_PARAMS.has(name)) params[name] = list(value);
    else if (NUMBER_PARAMS.has(name)) {
      if (text !== "") params[name] = Number(text);
    } else if (NULLABLE_NUMBER_PARAMS.has(name)) params[name] = text === "" ? null : Number(text);
    else if (name === "templateSlug") params[name] = text === "" ? null : text;
    else params[name] = text;
  }
  return params;
}

export const alertRuleForm = z
  .object({
    tenantId: z.uuid(),
    name: z.string(),
    kind: z.enum(ALERT_EVENT_KINDS, "Choose what the rule alerts on."),
    channelIds: z.preprocess(list, z.array(z.string())),
    muted: checkbox,
    "mute.days": z.preprocess(list, z.array(z.string())),
    "mute.from": z.string().default(""),
    "mute.to": z.string().default(""),
    "mute.timeZone": z.string().default(""),
  })
  .passthrough()
  .transform((f): RuleInput => ({
    tenantId: f.tenantId,
    name: f.name,
    kind: f.kind,
    params: paramsOf(f),
    channelIds: f.channelIds,
    mute: f.muted
      ? { days: f["mute.days"].map(Number), from: f["mute.from"], to: f["mute.to"], timeZone: f["mute.timeZone"] }
      : null,
    enabled: true,
  }));

export const alertChannelForm = z
  .object({
    tenantId: z.uuid(),
    name: z.string(),
    kind: z.enum(ALERT_CHANNEL_KINDS, "Choose where alerts go."),
    url: z.string().default(""),
    recipients: z.string().default(""),
    allowPrivateAddress: checkbox,
  })
  .transform((f): ChannelInput => {
    if (f.kind === "email")
      return { kind: "email", tenantId: f.tenantId, name: f.name, recipients: list(f.recipients) };
    if (f.kind === "feed") return { kind: "feed", tenantId: f.tenantId, name: f.name };
    return { kind: f.kind, tenantId: f.tenantId, name: f.name, url: f.url, allowPrivateAddress: f.allowPrivateAddress };
  });

export const alertItemRef = z.object({ tenantId: z.uuid(), id: z.uuid() });

export const alertRuleEnabledForm = alertItemRef.extend({
  enabled: z.enum(["true", "false"]).transform((v) => v === "true"),
});

export const alertDigestForm = z.object({
  tenantId: z.uuid(),
  frequency: z
    .enum([...ALERT_DIGEST_FREQUENCIES, "off"], "Choose daily, weekly or off.")
    .transform((v) => (v === "off" ? null : v)),
});
