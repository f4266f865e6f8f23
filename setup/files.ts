// Where setup writes: all files or none (build/write.ts's temp files and renames), nothing replaced
// without --force.
import { lstatSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFiles as writeOutputs } from "../build/write";
import { DashboardError } from "../errors";
import type { RegisteredApp } from "./oauth";

export interface PlannedFile {
  readonly path: string;
  readonly content: string;
  /** 0600 for secrets (the token, the app's client secret). */
  readonly mode: number;
  /** What it is, in the closing summary. */
  readonly purpose: string;
}

const exists = (path: string) => {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new DashboardError(path, `cannot look at it (${(error as NodeJS.ErrnoException).code})`);
  }
};

/** Before anything is asked or written: an existing file stops the run unless --force; anything else always. */
export function refuseExisting(paths: readonly string[], force: boolean): void {
  for (const path of paths) {
    const found = exists(path);
    if (!found) continue;
    if (!found.isFile())
      throw new DashboardError(path, "exists and is not a regular file", "move it away or choose another --out");
    if (!force) throw new DashboardError(path, "exists", "pass --force to replace it, or choose another --out");
  }
}

/** Creates `folder` (private: it will hold the token) when it does not exist. */
export function makeFolder(folder: string): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DashboardError(`--out ${folder}`, `cannot create the folder (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** Writes every file or none (build/write.ts: each to a temp file, renamed once all are complete). */
export function writeFiles(files: readonly PlannedFile[]): void {
  writeOutputs(files.map(({ path, content, mode }) => ({ path, content, mode, culprit: path })));
}

// The registered app is kept (0600) so that a later run with --code, or a retry after a wrong code,
// exchanges codes for the same app instead of registering a new one each time.
export const appFileName = "akkoma-app.json";

export function readAppFile(folder: string, instance: string, force: boolean): RegisteredApp | undefined {
  const path = join(folder, appFileName);
  if (!exists(path)) return undefined;
  let app: Partial<RegisteredApp>;
  try {
    app = JSON.parse(readFileSync(path, "utf8")) as Partial<RegisteredApp>;
  } catch (error) {
    throw new DashboardError(path, `cannot read the registered app (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof app.clientId !== "string" || typeof app.clientSecret !== "string" || typeof app.instance !== "string")
    throw new DashboardError(path, "not an app this program registered", "remove it, or choose another --out");
  if (app.instance === instance) return app as RegisteredApp;
  if (force) return undefined;
  throw new DashboardError(path, `holds the app registered on ${app.instance}`, "pass --force to register a new one");
}

export function writeAppFile(folder: string, app: RegisteredApp): void {
  const content = `${JSON.stringify(app, null, 2)}\n`;
  writeFiles([{ path: join(folder, appFileName), content, mode: 0o600, purpose: "the registered OAuth app" }]);
}
