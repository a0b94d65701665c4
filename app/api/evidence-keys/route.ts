import { definePublicRoute } from "@/lib/routes";
import { listEvidenceKeys } from "@/lib/reports/evidence/evidence-keys";

// The public keys that sign evidence bundles, current and retired, for auditors to check a
// bundle's key against. Also served at /.well-known/backup-governance-evidence-keys (next.config.ts:
// the App Router does not route folders whose name starts with a dot). Public parts only.
export const dynamic = "force-dynamic";

export const GET = definePublicRoute({ name: "evidence.keys" }, async () =>
  Response.json(
    {
      keys: listEvidenceKeys().map((k) => ({
        keyId: k.keyId,
        algorithm: k.algorithm,
        publicKeyPem: k.publicKeyPem,
        createdAt: k.createdAt,
        retiredAt: k.retiredAt,
      })),
    },
    { headers: { "cache-control": "public, max-age=300" } },
  ),
);
