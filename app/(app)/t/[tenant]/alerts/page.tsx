import type { Metadata } from "next";
import { Badge } from "@/app/_components/ui/badge";
import { Card } from "@/app/_components/ui/card";
import { EmptyState } from "@/app/_components/ui/empty-state";
import { PageHeader } from "@/app/_components/ui/page-header";
import { Table, Td, Th } from "@/app/_components/ui/table";
import { listChannels } from "@/lib/alerts/channels";
import { getDigestSubscription } from "@/lib/alerts/digest";
import { appBaseUrl } from "@/lib/alerts/events";
import { CHANNEL_KIND_LABELS, DELIVERY_STATUS_TONES, EVENT_KIND_LABELS } from "@/lib/alerts/kinds";
import { listRecentAlerts } from "@/lib/alerts/recent";
import { listDeliveries, listRules, type RuleView } from "@/lib/alerts/rules";
import { requireTenantPage } from "@/lib/auth/session";
import { listEvaluationTemplates } from "@/lib/compliance/templates/template-store";
import { getDb } from "@/lib/db";
import { formatDateTime } from "@/lib/format";
import { ChannelButtons, ChannelForm, DigestForm, RuleButtons, RuleForm } from "./alert-forms";

export const metadata: Metadata = { title: "Alerts" };

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/**
 * A rule's parameters in a few words (its defaults included, as detection uses them); null for a
 * kind that has none.
 */
function ruleTerms(rule: RuleView): string | null {
  const p = rule.params as Record<string, unknown>;
  const listed = (v: unknown, all: string) => (Array.isArray(v) && v.length ? v.join(", ") : all);
  switch (rule.kind) {
    case "control_failed":
      return `${listed(p.controlIds, "every control")} · ${listed(p.accountIds, "every account")}`;
    case "score_dropped":
      return [
        p.source === "resilience" ? "resilience score" : `${p.templateSlug ?? "every framework"}`,
        p.below !== null && p.below !== undefined ? `below ${String(p.below)}%` : null,
        p.dropPoints !== null && p.dropPoints !== undefined
          ? `drop of ${String(p.dropPoints)} point${p.dropPoints === 1 ? "" : "s"}`
          : null,
      ]
        .filter(Boolean)
        .join(" · ");
    case "job_failure_spike":
      return `≥ ${String(p.minFailures)} failures and ${String(p.factor)}× usual in ${String(p.windowHours)} h (history ${String(p.historyDays)} days)`;
    default:
      return null;
  }
}

function muteWords(rule: RuleView): string {
  if (!rule.mute) return "never";
  return `${rule.mute.days.map((d) => DAY_NAMES[d]).join(", ")} ${rule.mute.from}–${rule.mute.to} (${rule.mute.timeZone})`;
}

export default async function AlertsPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const { session, tenant } = await requireTenantPage(slug, "tenant:read", { page: "/t/[tenant]/alerts" });
  const db = getDb();
  const canManage = tenant.capabilities.includes("alert:manage");
  const [recent, digest, rules, channels, deliveries, frameworks] = await Promise.all([
    listRecentAlerts(db, { tenantId: tenant.tenantId, limit: 20 }),
    getDigestSubscription(db, { userId: session.userId, tenantId: tenant.tenantId }),
    canManage ? listRules(db, { tenantId: tenant.tenantId }) : [],
    canManage ? listChannels(db, { tenantId: tenant.tenantId }) : [],
    canManage ? listDeliveries(db, { tenantId: tenant.tenantId, limit: 50 }) : null,
    canManage ? listEvaluationTemplates(db, { tenantId: tenant.tenantId }) : [],
  ]);
  const channelName = new Map(channels.map((c) => [c.id, c.name]));
  /** A rule's cells, shared by the phone's cards and the table. */
  const ruleCells = (r: RuleView) => ({
    name: (
      <>
        <span className="font-medium">{r.name}</span> {!r.enabled && <Badge>paused</Badge>}
      </>
    ),
    when: (
      <>
        {EVENT_KIND_LABELS[r.kind].label}
        {ruleTerms(r) && <div className="text-slate-500">{ruleTerms(r)}</div>}
      </>
    ),
    sendsTo: r.channelIds.length
      ? r.channelIds.map((id) => channelName.get(id) ?? "(deleted)").join(", ")
      : "the list and digests only",
    muted: muteWords(r),
    buttons: <RuleButtons tenantId={tenant.tenantId} id={r.id} enabled={r.enabled} />,
  });
  return (
    <div className="space-y-6">
      <PageHeader
        title="Alerts"
        description="Rules on what the product sees after each sync and evaluation, sent to webhooks, Slack, email or a feed a SIEM pulls. An alert fires once when something changes, not again while it stays so."
      />

      <Card title="Recent alerts" description="The newest 20, whichever channels they went to.">
        {recent.length === 0 ? (
          <p className="text-sm text-slate-500">
            No alerts yet. {canManage ? "Add a rule below; it alerts on changes from the next sync on." : ""}
          </p>
        ) : (
          <ul className="divide-y divide-slate-100" data-testid="recent-alerts">
            {recent.map((a) => (
              <li key={a.id} className="py-2.5 [overflow-wrap:anywhere]">
                <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                  <a href={a.link} className="text-sm font-medium text-brand-700 hover:underline">
                    {a.title}
                  </a>
                  <span className="text-xs whitespace-nowrap text-slate-500">{formatDateTime(a.occurredAt)}</span>
                </div>
                <p className="text-xs text-slate-600">
                  {a.summary} <span className="text-slate-400">· rule {a.ruleName}</span>
                </p>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card
        title="Your digest"
        description="One email with this organization's alerts of the period and its current scores."
      >
        <DigestForm tenantId={tenant.tenantId} frequency={digest} />
      </Card>

      {canManage && (
        <>
          <Card title="Rules">
            <div className="space-y-6">
              {rules.length === 0 ? (
                <EmptyState title="No rules">Nothing is alerted until a rule says what to watch.</EmptyState>
              ) : (
                <>
                  {/* Phones: one card per rule; five columns in 390 px squeeze every cell to a few words a line. */}
                  <ul className="space-y-3 sm:hidden" aria-label="Alert rules">
                    {rules.map((r) => {
                      const c = ruleCells(r);
                      return (
                        <li
                          key={r.id}
                          className="rounded-lg border border-slate-200 bg-white p-3 [overflow-wrap:anywhere]"
                        >
                          {c.name}
                          <dl className="mt-2 grid grid-cols-[5.5rem_1fr] gap-x-3 gap-y-1.5 text-xs">
                            <dt className="text-slate-500">Alerts when</dt>
                            <dd>{c.when}</dd>
                            <dt className="text-slate-500">Sends to</dt>
                            <dd>{c.sendsTo}</dd>
                            <dt className="text-slate-500">Muted</dt>
                            <dd>{c.muted}</dd>
                          </dl>
                          <div className="mt-3">{c.buttons}</div>
                        </li>
                      );
                    })}
                  </ul>
                  <div className="hidden sm:block">
                    <Table caption="Alert rules">
                      <thead>
                        <tr>
                          <Th>Rule</Th>
                          <Th>Alerts when</Th>
                          <Th>Sends to</Th>
                          <Th>Muted</Th>
                          <Th>
                            <span className="sr-only">Actions</span>
                          </Th>
                        </tr>
                      </thead>
                      <tbody className="divide-y divide-slate-100">
                        {rules.map((r) => {
                          const c = ruleCells(r);
                          return (
                            <tr key={r.id}>
                              <Td>{c.name}</Td>
                              <Td className="text-xs">{c.when}</Td>
                              <Td className="text-xs">{c.sendsTo}</Td>
                              <Td className="text-xs">{c.muted}</Td>
                              <Td>{c.buttons}</Td>
                            </tr>
                          );
                        })}
                      </tbody>
                    </Table>
                  </div>
                </>
              )}
              <section className="space-y-3 border-t border-slate-100 pt-5">
                <h3 className="text-sm font-semibold text-slate-900">New rule</h3>
                <RuleForm
                  tenantId={tenant.tenantId}
                  channels={channels.map((c) => ({ id: c.id, name: c.name, kind: c.kind }))}
                  frameworks={frameworks.map((f) => ({ slug: f.slug, name: f.name }))}
                />
              </section>
            </div>
          </Card>

          <Card
            title="Channels"
            description="Where alerts go. Webhooks are signed (X-Alert-Signature: t=<unix time>,v1=<HMAC-SHA256 of t.body>); a delivery that fails is retried after 1, 2, 4, 8 and 16 minutes."
          >
            <div className="space-y-6">
              {channels.length === 0 ? (
                <EmptyState title="No channels">Add one below, then send it a test.</EmptyState>
              ) : (
                <Table caption="Alert channels">
                  <thead>
                    <tr>
                      <Th>Channel</Th>
                      <Th>Sends to</Th>
                      <Th>
                        <span className="sr-only">Actions</span>
                      </Th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {channels.map((c) => (
                      <tr key={c.id}>
                        <Td>
                          <span className="font-medium">{c.name}</span>
                          <div className="text-xs text-slate-500">{CHANNEL_KIND_LABELS[c.kind]}</div>
                        </Td>
                        <Td className="text-xs [overflow-wrap:anywhere]">
                          {c.kind === "feed" ? <span className="font-mono">/api/alerts/{c.id}/feed</span> : c.target}
                          {c.allowPrivateAddress && (
                            <div>
                              <Badge tone="amber">private addresses allowed</Badge>
                            </div>
                          )}
                        </Td>
                        <Td>
                          <ChannelButtons tenantId={tenant.tenantId} id={c.id} />
                        </Td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
              <section className="space-y-3 border-t border-slate-100 pt-5">
                <h3 className="text-sm font-semibold text-slate-900">New channel</h3>
                <ChannelForm tenantId={tenant.tenantId} isAdmin={session.role === "admin"} feedBase={appBaseUrl()} />
              </section>
            </div>
          </Card>

          <Card
            title="Delivery log"
            description={`Every attempt to send an alert or a test, newest first${deliveries && deliveries.total > 50 ? ` (50 of ${deliveries.total.toLocaleString("en")})` : ""}.`}
          >
            {!deliveries || deliveries.deliveries.length === 0 ? (
              <p className="text-sm text-slate-500">Nothing sent yet.</p>
            ) : (
              <Table caption="Alert deliveries">
                <thead>
                  <tr>
                    <Th>When</Th>
                    <Th>Alert</Th>
                    <Th>Channel</Th>
                    <Th>Status</Th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {deliveries.deliveries.map((d) => (
                    <tr key={d.id}>
                      <Td className="text-xs whitespace-nowrap">{formatDateTime(d.sentAt ?? d.createdAt)}</Td>
                      <Td className="text-xs [overflow-wrap:anywhere]">
                        {d.event ? (
                          <a href={d.event.link} className="text-brand-700 hover:underline">
                            {d.event.title}
                          </a>
                        ) : (
                          "Test"
                        )}
                      </Td>
                      <Td className="text-xs">{d.channel.name}</Td>
                      <Td className="text-xs">
                        <Badge tone={DELIVERY_STATUS_TONES[d.status]}>{d.status}</Badge>{" "}
                        {d.attempts > 1 && <span className="text-slate-500">{d.attempts} attempts</span>}
                        {d.responseStatus !== null && (
                          <span className="text-slate-500"> · HTTP {d.responseStatus}</span>
                        )}
                        {d.nextAttemptAt && (
                          <div className="text-slate-500">next try {formatDateTime(d.nextAttemptAt)}</div>
                        )}
                        {d.lastError && <div className="text-red-700 [overflow-wrap:anywhere]">{d.lastError}</div>}
                      </Td>
                    </tr>
                  ))}
                </tbody>
              </Table>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
