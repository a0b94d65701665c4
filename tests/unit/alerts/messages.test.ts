import { describe, expect, it } from "vitest";
import { describeTarget } from "@/lib/alerts/channels";
import { slackBody, webhookBody, type AlertMessage } from "@/lib/alerts/send";

const event = (i: number): AlertMessage => ({
  id: `e${i}`,
  kind: "control_failed",
  title: `BK-01 failed: <arn ${i}> & co`,
  summary: "Resource protected by a backup plan now fails",
  link: `https://app.example/t/acme/compliance/findings/detail?control=BK-01&subject=${i}`,
  occurredAt: new Date("2026-06-15T12:00:00Z"),
  payload: { i },
});
const ctx = { tenant: { id: "t", slug: "acme", name: "Acme" } };

describe("messages", () => {
  it("webhook: versioned JSON with every event", () => {
    const body = JSON.parse(webhookBody([event(1)], ctx));
    expect(body).toEqual({
      version: 1,
      test: false,
      tenant: ctx.tenant,
      events: [{ ...event(1), occurredAt: "2026-06-15T12:00:00.000Z" }],
    });
  });

  it("slack: text for the notification, escaped blocks, and a note past ten", () => {
    const one = JSON.parse(slackBody([event(1)], ctx));
    expect(one.text).toBe(`BK-01 failed: <arn 1> & co ${event(1).link}`);
    expect(one.blocks[1].text.text).toContain("&lt;arn 1&gt; &amp; co");
    const many = JSON.parse(
      slackBody(
        Array.from({ length: 12 }, (_, i) => event(i)),
        { ...ctx, test: true },
      ),
    );
    expect(many.text).toBe("[test] 12 alerts for Acme");
    expect(many.blocks).toHaveLength(1 + 10 + 1);
    expect(many.blocks[11].elements[0].text).toMatch(/and 2 more/);
  });

  it("lists show a URL's scheme and host only (a Slack URL's path is its secret)", () => {
    expect(describeTarget("slack", "https://hooks.slack.com/services/T000/B000/XXXXSECRET")).toBe(
      "https://hooks.slack.com/…",
    );
    expect(describeTarget("webhook", "https://siem.example:8443/in?token=abc")).toBe("https://siem.example:8443/…");
    expect(describeTarget("email", "a@x.example,b@x.example")).toBe("a@x.example, b@x.example");
  });
});
