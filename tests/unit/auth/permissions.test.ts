import { describe, expect, it } from "vitest";
import { CAPABILITIES, ROLE_CAPABILITIES, roleHas, tenantCapabilities } from "@/lib/auth/permissions";

describe("role → capability table", () => {
  it("gives admins everything and auditors only reading and export", () => {
    expect([...ROLE_CAPABILITIES.admin].sort()).toEqual([...CAPABILITIES].sort());
    expect(ROLE_CAPABILITIES.auditor).toEqual(["tenant:read", "export"]);
  });

  it.each([
    ["operator", "sync:run", true],
    ["operator", "policy:push", true],
    ["operator", "exception:manage", false],
    ["compliance", "template:manage", true],
    ["compliance", "exception:manage", true],
    ["compliance", "sync:run", false],
    ["auditor", "sync:run", false],
    ["auditor", "export", true],
    ["compliance", "user:manage", false],
    ["compliance", "report:schedule", true],
    ["admin", "report:schedule", true],
    ["operator", "report:schedule", false],
    ["auditor", "report:schedule", false],
    ["compliance", "alert:manage", true],
    ["operator", "alert:manage", false],
  ] as const)("%s %s → %s", (role, cap, expected) => {
    expect(roleHas(role, cap)).toBe(expected);
  });

  it("a membership role narrows but never widens", () => {
    expect(tenantCapabilities("operator", "auditor")).toEqual(["tenant:read"]);
    expect(tenantCapabilities("auditor", "admin")).toEqual(["tenant:read", "export"]);
    expect(tenantCapabilities("compliance", null)).toEqual([
      "tenant:read",
      "template:manage",
      "exception:manage",
      "export",
      "report:schedule",
      "alert:manage",
    ]);
    expect(tenantCapabilities("admin", "operator")).toEqual(["tenant:read", "sync:run", "policy:draft", "policy:push"]);
    expect(tenantCapabilities("admin", null)).not.toContain("user:manage");
  });
});
