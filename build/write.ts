import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DashboardError } from "../errors";

/**
 * Writes all of `content` or nothing: a temp file beside the target, then a rename, so a reader
 * (or Grafana's provisioning) never sees half a dashboard.
 */
export function writeAtomically(path: string, content: string): void {
  const folder = dirname(path);
  let folderStat;
  try {
    folderStat = statSync(folder);
  } catch {
    throw new DashboardError(`--out ${path}`, `folder ${folder} does not exist`, "create it first");
  }
  if (!folderStat.isDirectory()) throw new DashboardError(`--out ${path}`, `${folder} is not a folder`);

  const temp = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, "wx", 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new DashboardError(`--out ${path}`, `cannot write the file (${reason})`);
  }
}
