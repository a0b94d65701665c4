"use client";

import { useCallback, useId, useState } from "react";
import { useRouter } from "next/navigation";
import { ActionForm, useFieldError } from "@/app/_components/form/action-form";
import { CopyButton } from "@/app/_components/form/copy-button";
import { SelectField, TextField } from "@/app/_components/form/field";
import { SubmitButton } from "@/app/_components/form/submit-button";
import type { AlertChannelKind, AlertEventKind } from "@/db/schema/alerts";
import { CHANNEL_KIND_LABELS, CHANNEL_KINDS, EVENT_KIND_LABELS, EVENT_KINDS } from "@/lib/alerts/kinds";
import {
  createAlertChannelAction,
  createAlertRuleAction,
  deleteAlertChannelAction,
  deleteAlertRuleAction,
  setAlertDigestAction,
  setAlertRuleEnabledAction,
  testAlertChannelAction,
} from "./actions";

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** A new channel; a webhook's signing secret or a feed's token is shown here once, then never again. */
export function ChannelForm({ tenantId, isAdmin, feedBase }: { tenantId: string; isAdmin: boolean; feedBase: string }) {
  const [kind, setKind] = useState<AlertChannelKind>("webhook");
  return (
    <ActionForm
      action={createAlertChannelAction}
      resetOnSuccess
      success={(r) =>
        r.secret ? (
          <div className="space-y-2">
            <p>
              Channel added.{" "}
              {r.kind === "feed"
                ? "Its bearer token, shown only now: a SIEM reads the feed with it."
                : "Its signing secret, shown only now: the receiver checks X-Alert-Signature with it."}
            </p>
            <div className="flex flex-wrap items-center gap-2">
              <code className="rounded bg-white px-2 py-1 font-mono text-xs break-all" data-testid="channel-secret">
                {r.secret}
              </code>
              <CopyButton value={r.secret} />
            </div>
            {r.kind === "feed" && (
              <p className="font-mono text-xs break-all">
                GET {feedBase}/api/alerts/{r.id}/feed with Authorization: Bearer &lt;token&gt;
              </p>
            )}
          </div>
        ) : (
          "Channel added."
        )
      }
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" placeholder="On-call webhook" required maxLength={100} />
        <SelectField
          name="kind"
          label="Sends to"
          value={kind}
          onChange={(e) => setKind(e.target.value as AlertChannelKind)}
          options={CHANNEL_KINDS.map((k) => ({ value: k, label: CHANNEL_KIND_LABELS[k] }))}
        />
      </div>
      {(kind === "webhook" || kind === "slack") && (
        <>
          <TextField
            name="url"
            label={kind === "slack" ? "Slack incoming webhook URL" : "Webhook URL"}
            placeholder={kind === "slack" ? "https://hooks.slack.com/services/…" : "https://siem.example.com/alerts"}
            hint="HTTPS, to a public address: private, loopback and link-local addresses are refused."
            required
            type="url"
          />
          {isAdmin && (
            <label className="flex items-start gap-2 text-sm text-slate-700">
              <input type="checkbox" name="allowPrivateAddress" className="mt-0.5 rounded border-slate-300" />
              <span>
                Allow a private address (an internal receiver; plain HTTP allowed). Only administrators can set this.
              </span>
            </label>
          )}
        </>
      )}
      {kind === "email" && (
        <TextField
          name="recipients"
          label="Recipients"
          placeholder="oncall@example.com, backup-team@example.com"
          hint="Separated by commas. Mailed through the server's SMTP_URL."
          required
        />
      )}
      {kind === "feed" && (
        <p className="text-sm text-slate-600">
          A feed holds the alerts routed to it as JSON lines, oldest first, for a SIEM to pull with a bearer token.
        </p>
      )}
      <SubmitButton pendingLabel="Adding…">Add channel</SubmitButton>
    </ActionForm>
  );
}

function ChannelChoices({ channels }: { channels: Array<{ id: string; name: string; kind: AlertChannelKind }> }) {
  const id = useId();
  const error = useFieldError("channelIds");
  return (
    <fieldset aria-describedby={error ? `${id}-error` : `${id}-hint`}>
      <legend className="mb-1 block text-sm font-medium text-slate-800">Send to</legend>
      {channels.length === 0 ? (
        <p className="text-sm text-slate-500">No channels yet: add one below. The rule still records its alerts.</p>
      ) : (
        <div className="flex flex-wrap gap-x-5 gap-y-1">
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-2 text-sm text-slate-700">
              <input type="checkbox" name="channelIds" value={c.id} className="rounded border-slate-300" />
              {c.name} <span className="text-xs text-slate-500">({CHANNEL_KIND_LABELS[c.kind]})</span>
            </label>
          ))}
        </div>
      )}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          Every alert is also in the list above, the digests and the delivery log.
        </p>
      )}
    </fieldset>
  );
}

function ParamFields({
  kind,
  frameworks,
}: {
  kind: AlertEventKind;
  frameworks: Array<{ slug: string; name: string }>;
}) {
  switch (kind) {
    case "control_failed":
      return (
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField
            name="params.controlIds"
            label="Controls"
            placeholder="BK-01, BK-18"
            hint="Control ids separated by commas; empty: every control."
          />
          <TextField
            name="params.accountIds"
            label="Accounts"
            placeholder="123456789012"
            hint="12-digit account ids separated by commas; empty: every account."
          />
        </div>
      );
    case "score_dropped":
      return (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <SelectField
            name="params.source"
            label="Score"
            options={[
              { value: "compliance", label: "Compliance" },
              { value: "resilience", label: "Resilience" },
            ]}
          />
          <SelectField
            name="params.templateSlug"
            label="Framework"
            hint="For a compliance score."
            options={[
              { value: "", label: "Every framework" },
              ...frameworks.map((f) => ({ value: f.slug, label: f.name })),
            ]}
          />
          <TextField
            name="params.below"
            label="Below (%)"
            type="number"
            min={0}
            max={100}
            hint="Alert when it falls below this; empty: no threshold."
          />
          <TextField
            name="params.dropPoints"
            label="Drop (points)"
            type="number"
            min={0}
            max={100}
            step="any"
            defaultValue="5"
            hint="Alert when it falls by this much at once; empty: never."
          />
        </div>
      );
    case "job_failure_spike":
      return (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <TextField
            name="params.factor"
            label="Times its usual rate"
            type="number"
            min={1}
            step="any"
            defaultValue="3"
          />
          <TextField name="params.minFailures" label="At least (failures)" type="number" min={1} defaultValue="3" />
          <TextField
            name="params.windowHours"
            label="Window (hours)"
            type="number"
            min={1}
            max={168}
            defaultValue="24"
          />
          <TextField
            name="params.historyDays"
            label="History (days)"
            type="number"
            min={1}
            max={90}
            defaultValue="30"
          />
        </div>
      );
    default:
      return null;
  }
}

function MuteFields({ timeZone }: { timeZone: string }) {
  const [muted, setMuted] = useState(false);
  const daysError = useFieldError("mute.days");
  return (
    <div className="space-y-3">
      <label className="flex items-center gap-2 text-sm text-slate-700">
        <input
          type="checkbox"
          name="muted"
          checked={muted}
          onChange={(e) => setMuted(e.target.checked)}
          className="rounded border-slate-300"
        />
        Mute on a schedule (alerts due in the window are held and sent when it ends)
      </label>
      {muted && (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
          <fieldset className="sm:col-span-2">
            <legend className="mb-1 block text-sm font-medium text-slate-800">Days</legend>
            <div className="flex flex-wrap gap-x-3 gap-y-1">
              {DAYS.map((d, i) => (
                <label key={d} className="flex items-center gap-1.5 text-sm text-slate-700">
                  <input
                    type="checkbox"
                    name="mute.days"
                    value={String(i)}
                    defaultChecked={i >= 1 && i <= 5}
                    className="rounded border-slate-300"
                  />
                  {d}
                </label>
              ))}
            </div>
            {daysError && <p className="mt-1 text-xs text-red-700">{daysError}</p>}
          </fieldset>
          <TextField name="mute.from" label="From" type="time" defaultValue="22:00" />
          <TextField name="mute.to" label="To" type="time" defaultValue="07:00" />
          <TextField
            name="mute.timeZone"
            label="Time zone"
            defaultValue={timeZone}
            hint="IANA name, e.g. Europe/Berlin."
            className="sm:col-span-2"
          />
        </div>
      )}
    </div>
  );
}

function RuleFields({
  tenantId,
  channels,
  frameworks,
}: {
  tenantId: string;
  channels: Array<{ id: string; name: string; kind: AlertChannelKind }>;
  frameworks: Array<{ slug: string; name: string }>;
}) {
  const [kind, setKind] = useState<AlertEventKind>("control_failed");
  const [timeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
  return (
    <>
      <input type="hidden" name="tenantId" value={tenantId} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" placeholder="Production controls failing" required maxLength={100} />
        <SelectField
          name="kind"
          label="Alert when"
          value={kind}
          onChange={(e) => setKind(e.target.value as AlertEventKind)}
          hint={EVENT_KIND_LABELS[kind].description}
          options={EVENT_KINDS.map((k) => ({ value: k, label: EVENT_KIND_LABELS[k].label }))}
        />
      </div>
      <ParamFields kind={kind} frameworks={frameworks} />
      <ChannelChoices channels={channels} />
      <MuteFields timeZone={timeZone} />
      <SubmitButton pendingLabel="Adding…">Add rule</SubmitButton>
    </>
  );
}

/** A new rule. Its fields start afresh after each one added (the kind and mute choices are state). */
export function RuleForm(props: {
  tenantId: string;
  channels: Array<{ id: string; name: string; kind: AlertChannelKind }>;
  frameworks: Array<{ slug: string; name: string }>;
}) {
  const [round, setRound] = useState(0);
  const next = useCallback(() => setRound((r) => r + 1), []);
  return (
    <ActionForm action={createAlertRuleAction} onSuccess={next} success={() => "Rule added."}>
      <RuleFields key={round} {...props} />
    </ActionForm>
  );
}

function RowAction({
  action,
  tenantId,
  id,
  label,
  pendingLabel,
  variant = "secondary",
  extra,
  success,
}: {
  action: Parameters<typeof ActionForm>[0]["action"];
  tenantId: string;
  id: string;
  label: string;
  pendingLabel: string;
  variant?: "secondary" | "danger";
  extra?: Record<string, string>;
  success?: (data: unknown) => React.ReactNode;
}) {
  const router = useRouter();
  return (
    <ActionForm
      action={action}
      className="inline-flex flex-col items-end gap-1"
      onSuccess={() => router.refresh()}
      success={success}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <input type="hidden" name="id" value={id} />
      {Object.entries(extra ?? {}).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <SubmitButton variant={variant} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
    </ActionForm>
  );
}

export function ChannelButtons({ tenantId, id }: { tenantId: string; id: string }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <RowAction
        action={testAlertChannelAction}
        tenantId={tenantId}
        id={id}
        label="Send test"
        pendingLabel="Sending…"
        success={(r) => {
          const o = r as { ok: boolean; responseStatus: number | null; error: string | null };
          return o.ok ? `Delivered${o.responseStatus ? ` (HTTP ${o.responseStatus})` : ""}.` : `Failed: ${o.error}`;
        }}
      />
      <RowAction
        action={deleteAlertChannelAction}
        tenantId={tenantId}
        id={id}
        label="Delete"
        pendingLabel="Deleting…"
        variant="danger"
      />
    </div>
  );
}

export function RuleButtons({ tenantId, id, enabled }: { tenantId: string; id: string; enabled: boolean }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <RowAction
        action={setAlertRuleEnabledAction}
        tenantId={tenantId}
        id={id}
        label={enabled ? "Pause" : "Resume"}
        pendingLabel="Saving…"
        extra={{ enabled: String(!enabled) }}
      />
      <RowAction
        action={deleteAlertRuleAction}
        tenantId={tenantId}
        id={id}
        label="Delete"
        pendingLabel="Deleting…"
        variant="danger"
      />
    </div>
  );
}

export function DigestForm({ tenantId, frequency }: { tenantId: string; frequency: "daily" | "weekly" | null }) {
  const router = useRouter();
  return (
    <ActionForm
      action={setAlertDigestAction}
      className="flex flex-wrap items-end gap-3"
      onSuccess={() => router.refresh()}
      success={(r) => (r.frequency ? `You will get a ${r.frequency} digest.` : "Digest turned off.")}
    >
      <input type="hidden" name="tenantId" value={tenantId} />
      <SelectField
        name="frequency"
        label="Email me a digest"
        defaultValue={frequency ?? "off"}
        options={[
          { value: "off", label: "Never" },
          { value: "daily", label: "Daily (after midnight UTC)" },
          { value: "weekly", label: "Weekly (Monday, UTC)" },
        ]}
      />
      <SubmitButton variant="secondary">Save</SubmitButton>
    </ActionForm>
  );
}
