import type { Operation } from "./context";

/** Organizations policy writes (CreatePolicy, UpdatePolicy, …): filled in by the policy step. */
export const organizationsPolicyOperations: Operation[] = [];
