import "server-only";
import { cache } from "react";
import { fetchOwnPrincipal, type OwnPrincipal } from "@/lib/aws/own-principal";
import { getPushDeps } from "@/lib/policies/push-deps";

/**
 * The web tier's own principal (the trust the templates name), or why STS could not say it. Asked
 * once per request: the settings page's trust policy and its role templates both need it.
 */
export const getProductPrincipal = cache((): Promise<OwnPrincipal | Error> =>
  getPushDeps()
    .then(({ factory }) => fetchOwnPrincipal(factory))
    .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
);
