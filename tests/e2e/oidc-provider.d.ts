// The package ships no types; this is the little the test IdP uses.
declare module "oidc-provider" {
  import type { Server } from "node:http";
  interface Account {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }
  export default class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & { findAccount?: (ctx: unknown, sub: string) => Promise<Account> },
    );
    proxy: boolean;
    on(event: string, listener: (ctx: unknown, error: Error & { error_description?: string }) => void): void;
    listen(port: number, host: string, callback: () => void): Server;
  }
}
