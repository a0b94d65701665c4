import type { SimState, VaultRt } from "./model";
import { ancestors } from "../org/tree";

/**
 * Whether a vault's RAM resource share reaches an account: the account is a principal itself, or
 * sits under a shared OU, or in a shared organization. The owner is never its own recipient.
 * Invitations are not simulated: every share counts as accepted.
 */
export function sharedWith(state: SimState, vault: VaultRt, accountId: string): boolean {
  if (!vault.share || state.units[vault.unit]?.accountId === accountId) return false;
  const org = state.org;
  const member = org.accounts.has(accountId);
  return vault.share.principals.some(({ id }) => {
    if (id === accountId) return true;
    if (!member) return false;
    const ou = /:ou\/(o-[a-z0-9]+)\/(ou-[0-9a-z-]+)$/.exec(id);
    if (ou) return ou[1] === org.id && ancestors(org, accountId).includes(ou[2] as string);
    return id.endsWith(`:organization/${org.id}`);
  });
}
