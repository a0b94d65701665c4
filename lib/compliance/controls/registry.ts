// The twenty-one controls by id. A lookup table, not a barrel: callers import what they need.
import type { ControlId } from "@/lib/compliance/model/finding";
import type { ControlDefinition } from "./control";
import { bk01 } from "./bk-01-protected-by-plan";
import { bk02 } from "./bk-02-plan-frequency-retention";
import { bk03 } from "./bk-03-manual-deletion-disabled";
import { bk04 } from "./bk-04-recovery-point-encrypted";
import { bk05 } from "./bk-05-recovery-point-min-retention";
import { bk06 } from "./bk-06-cross-region-copy";
import { bk07 } from "./bk-07-cross-account-copy";
import { bk08 } from "./bk-08-vault-lock";
import { bk09 } from "./bk-09-last-recovery-point";
import { bk10 } from "./bk-10-restore-time";
import { bk11 } from "./bk-11-air-gapped-vault";
import { bk12 } from "./bk-12-max-retention";
import { bk13 } from "./bk-13-restore-tested";
import { bk14 } from "./bk-14-job-health";
import { bk15 } from "./bk-15-region-ready";
import { bk16 } from "./bk-16-vault-cmk";
import { bk17 } from "./bk-17-org-policy";
import { bk18 } from "./bk-18-latest-clean-point";
import { bk19 } from "./bk-19-break-glass-ready";
import { bk20 } from "./bk-20-restore-validated";
import { bk21 } from "./bk-21-searchable-for-erasure";

export const CONTROLS: Readonly<Record<ControlId, ControlDefinition>> = {
  "BK-01": bk01,
  "BK-02": bk02,
  "BK-03": bk03,
  "BK-04": bk04,
  "BK-05": bk05,
  "BK-06": bk06,
  "BK-07": bk07,
  "BK-08": bk08,
  "BK-09": bk09,
  "BK-10": bk10,
  "BK-11": bk11,
  "BK-12": bk12,
  "BK-13": bk13,
  "BK-14": bk14,
  "BK-15": bk15,
  "BK-16": bk16,
  "BK-17": bk17,
  "BK-18": bk18,
  "BK-19": bk19,
  "BK-20": bk20,
  "BK-21": bk21,
};

export function getControl(id: ControlId): ControlDefinition {
  return CONTROLS[id];
}
