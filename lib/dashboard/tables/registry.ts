import type { TableDefinition } from "../table";
import { backupPlansTable } from "./backup-plans";
import { exceptionsTable } from "./exceptions";
import { findingsTable } from "./findings";
import { backupJobsTable, copyJobsTable, restoreJobsTable, scanJobsTable } from "./jobs";
import { recoveryPointsTable } from "./recovery-points";
import { recoveryReadinessTable } from "./recovery-readiness";
import { resourcesTable } from "./resources";
import { vaultsTable } from "./vaults";

// Every exportable table, by the name used in /t/<tenant>/export/<name>.
type AnyTable = TableDefinition<Record<string, unknown>, unknown>;

const TABLES = [
  backupPlansTable,
  vaultsTable,
  recoveryPointsTable,
  backupJobsTable,
  copyJobsTable,
  restoreJobsTable,
  scanJobsTable,
  findingsTable,
  resourcesTable,
  exceptionsTable,
  recoveryReadinessTable,
] as unknown as AnyTable[];

export function findTable(name: string): AnyTable | undefined {
  return TABLES.find((t) => t.name === name);
}

export function tableNames(): string[] {
  return TABLES.map((t) => t.name);
}
