import { pgEnum } from "drizzle-orm/pg-core";

// `as const` tuples are importable by client code; the pgEnums mirror them in SQL.
export const ROLES = ["admin", "operator", "compliance", "auditor"] as const;
export type Role = (typeof ROLES)[number];
export const roleEnum = pgEnum("role", ROLES);

export const TENANT_STATUSES = ["new", "active", "error", "disabled"] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];
export const tenantStatusEnum = pgEnum("tenant_status", TENANT_STATUSES);
