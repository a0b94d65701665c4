import { defineConfig } from "drizzle-kit";

// Generation needs no database; `npm run db:migrate` applies the output with db/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
});
