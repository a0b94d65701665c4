// The only barrel in the project: drizzle and drizzle-kit read the whole schema from here.
export * from "./enums";
export * from "./auth";
export * from "./tenancy";
export * from "./audit";
