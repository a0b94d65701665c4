import { copyFile, mkdir } from "node:fs/promises";
import path from "node:path";
import { checkFolderPath, type FolderDestination } from "./destination";
import type { DeliveryFile, DeliveryTarget } from "./deliver";

/**
 * Copies the files into <folder>/<day of the slot>/, the folder checked against REPORT_FOLDER_ROOT
 * again at delivery time (the root may have moved since the schedule was saved).
 */
export async function deliverToFolder(
  config: FolderDestination,
  root: string | undefined,
  target: DeliveryTarget,
  files: readonly DeliveryFile[],
): Promise<string> {
  const folder = path.join(checkFolderPath(config.path, root), target.slot.toISOString().slice(0, 10));
  try {
    await mkdir(folder, { recursive: true });
    for (const f of files) await copyFile(f.path, path.join(folder, f.name));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`cannot write into folder ${folder}${code ? ` (${code})` : ""}`);
  }
  return folder;
}
