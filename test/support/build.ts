import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onPath } from "../../harness/engines";

export const projectRoot = join(__dirname, "..", "..");
export const cliPath = join(projectRoot, "dist", "akkoma-dashboards.js");

/** The CLI as a user runs it: compiled, in its own process (`npm test` compiles first). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: projectRoot,
    encoding: "utf8",
    env: { ...process.env, ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Fails with what to install instead of skipping: CI must never pass by not running a check. */
export function requireCommand(command: string, debianPackage: string): string {
  if (!onPath(command)) {
    throw new Error(`${command} is not installed: apt-get install ${debianPackage} (.ci/run does this)`);
  }
  return command;
}

/** A fresh private folder for each test, removed afterwards; call inside a describe block. */
export function useTempFolder(prefix: string): () => string {
  let folder = "";
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));
  return () => folder;
}

const isRoot = process.getuid?.() === 0;

/**
 * `it` for a test only root can run (mknod, chown to another user): as anyone else it is skipped, its
 * name saying why. CI runs as root, so there it always runs.
 */
export function asRoot(why: string): jest.It {
  if (isRoot) return it;
  const skipped = ((name: string, fn?: jest.ProvidesCallback) =>
    it.skip(`${name} (skipped: needs root to ${why})`, fn)) as jest.It;
  skipped.each = ((table: readonly unknown[]) => (name: string, fn: (...args: never[]) => unknown) =>
    it.skip.each(table as unknown[][])(`${name} (skipped: needs root to ${why})`, fn as never)) as jest.It["each"];
  return skipped;
}
