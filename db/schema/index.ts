// The only barrel in the project: drizzle and drizzle-kit read the whole schema from here.
export * from "./enums";
export * from "./auth";
export * from "./tenancy";
export * from "./audit";
export * from "./sync";
export * from "./organization";
export * from "./backup-plans";
export * from "./backup-vaults";
export * from "./resources";
export * from "./jobs";
export * from "./backup-settings";
export * from "./compliance";
export * from "./policies";
export * from "./report-schedules";
export * from "./cost";
export * from "./alerts";
