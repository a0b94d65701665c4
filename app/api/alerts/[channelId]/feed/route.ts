import { alertFeedLines, authenticateFeed, readAlertFeed } from "@/lib/alerts/feed";
import { getDb } from "@/lib/db";
import { definePublicRoute } from "@/lib/routes";

// The alerts of one feed channel as JSON lines, for a SIEM to pull:
//   GET /api/alerts/<channelId>/feed?after=<seq>&limit=<n>
//   Authorization: Bearer <the feed token shown when the channel was made>
// No session: the channel's token is the credential (lib/alerts/feed.ts), so this is a public
// route to the wrapper. The response's X-Next-After header is the cursor of the next request.
export const dynamic = "force-dynamic";

const unauthorized = () =>
  new Response("A valid feed token is required (Authorization: Bearer …).\n", {
    status: 401,
    headers: { "www-authenticate": 'Bearer realm="alerts-feed"', "content-type": "text/plain; charset=utf-8" },
  });

export const GET = definePublicRoute({ name: "alerts.feed" }, async (request) => {
  const url = new URL(request.url);
  const channelId = /\/api\/alerts\/([^/]+)\/feed\/?$/.exec(url.pathname)?.[1] ?? "";
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1] ?? null;
  const db = getDb();
  // A channel id is a UUID: nothing in it needs decoding, and anything else is simply unknown.
  const feed = await authenticateFeed(db, channelId, token);
  if (!feed) return unauthorized();
  const num = (k: string) => {
    const v = Number(url.searchParams.get(k));
    return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  };
  const page = await readAlertFeed(db, feed.tenantId, {
    after: num("after"),
    limit: num("limit"),
    channelId: feed.channelId,
  });
  return new Response(alertFeedLines(page.events), {
    headers: {
      "content-type": "application/x-ndjson; charset=utf-8",
      "cache-control": "no-store",
      "x-next-after": String(page.next),
    },
  });
});
