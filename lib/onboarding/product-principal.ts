import "server-only";
import { fetchOwnPrincipal, type OwnPrincipal } from "@/lib/aws/own-principal";
import { getPushDeps } from "@/lib/policies/push-deps";

/** The web tier's own principal (the trust the templates name), or why STS could not say it. */
export function getProductPrincipal(): Promise<OwnPrincipal | Error> {
  return getPushDeps()
    .then(({ factory }) => fetchOwnPrincipal(factory))
    .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
}
