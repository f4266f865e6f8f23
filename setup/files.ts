// Where setup writes: all files or none (io/write.ts's temp files and renames), nothing replaced
// without --force.
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, rmdirSync, unlinkSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { writeFiles as writeOutputs } from "../io/write";
import { DashboardError } from "../errors";
import { printable } from "../io/printable";
import { holdSecret } from "../io/secrets";
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

/** Creates `folder` (private: it will hold the token) when it does not exist; whether it did. */
export function makeFolder(folder: string): boolean {
  try {
    return mkdirSync(folder, { recursive: true, mode: 0o700 }) !== undefined;
  } catch (error) {
    throw new DashboardError(`--out ${folder}`, `cannot create the folder (${(error as NodeJS.ErrnoException).code})`);
  }
}

/** Writes every file or none (io/write.ts: each to a temp file, renamed once all are complete). */
export function writeFiles(files: readonly PlannedFile[]): void {
  writeOutputs(files.map(({ path, content, mode }) => ({ path, content, mode, culprit: path })));
}

/** Removes `folder` if it is empty (a run that made it and then failed); anything in it stays. */
export function removeEmptyFolder(folder: string): void {
  try {
    rmdirSync(folder);
  } catch {
    // not empty, or gone: left as it is
  }
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
    throw new DashboardError(path, `cannot read the registered app (${printable((error as Error).message)})`);
  }
  if (typeof app.clientId !== "string" || typeof app.clientSecret !== "string" || typeof app.instance !== "string")
    throw new DashboardError(path, "not an app this program registered", "remove it, or choose another --out");
  if (app.instance === instance) return { ...(app as RegisteredApp), clientSecret: holdSecret(app.clientSecret) };
  if (force) return undefined;
  throw new DashboardError(
    path,
    `holds the app registered on ${printable(app.instance)}`,
    "pass --force to register a new one",
  );
}

export function writeAppFile(folder: string, app: RegisteredApp): void {
  const content = `${JSON.stringify(app, null, 2)}\n`;
  writeFiles([{ path: join(folder, appFileName), content, mode: 0o600, purpose: "the registered OAuth app" }]);
}

// Registration is exclusive: two runs at once on one folder would register two apps and keep one (the
// other's authorize URL then leads to a code no run can exchange). The lock is a file made with O_EXCL
// beside the app file, holding who made it; it is removed when the registration is kept or failed.
export const lockFileName = `${appFileName}.lock`;

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: number;
}

/** A lock older than this was left by a run that ended without removing it: no registration takes so long. */
const staleAfterMs = 10 * 60 * 1000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};

function holderOf(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid === "number" && typeof holder.host === "string" && typeof holder.since === "number")
      return holder as LockHolder;
  } catch {
    // being written this very moment, or not ours: judged by its age below
  }
  return undefined;
}

/**
 * Takes the registration lock in `folder`, or refuses: another run holds it (wait for it), or a run that
 * ended left it (remove it). Returns the release.
 */
export function lockRegistration(folder: string): () => void {
  const path = join(folder, lockFileName);
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EEXIST") throw new DashboardError(path, `cannot create the registration lock (${code})`);
    const holder = holderOf(path);
    const age = holder ? Date.now() - holder.since : Date.now() - (exists(path)?.mtimeMs ?? Date.now());
    const here = holder?.host === hostname();
    const stale = age > staleAfterMs || (holder !== undefined && here && !alive(holder.pid));
    if (stale)
      throw new DashboardError(
        path,
        `a registration lock left by a run that did not finish${holder ? ` (pid ${holder.pid} on ${printable(holder.host)})` : ""}`,
        "remove it if no other setup runs on this folder, then run again",
      );
    throw new DashboardError(
      path,
      `another setup run${holder ? ` (pid ${holder.pid})` : ""} is registering an app in this folder`,
      "wait for it to finish, then run again: it will use the app that run registers",
    );
  }
  try {
    writeSync(fd, `${JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() })}\n`);
  } finally {
    closeSync(fd);
  }
  return () => {
    try {
      unlinkSync(path);
    } catch {
      // already gone: nothing to release
    }
  };
}
