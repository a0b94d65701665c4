import { z } from "zod";
import { uuid } from "./common";

// Inputs of re-push and adopt (lib/policies/drift-resolve.ts): which managed policy, nothing else.
// The content comes from the database (our pushed version, or what the sync read from AWS), never
// from the form, so neither action can be used to slip in a document nobody reviewed.
export const driftActionInput = z.object({ tenantId: uuid("Organization"), policyId: uuid("Policy") });
export type DriftActionInput = z.input<typeof driftActionInput>;
