// The CLI in its own process without blocking this one: the fake Akkoma answers from the test's event loop.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { cliPath, projectRoot } from "../support/build";

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI; `talk` may write to its standard input while it runs (stdin is closed when left out);
 * `env` adds to the environment (NODE_EXTRA_CA_CERTS for a loopback https server).
 */
export function runCliAsync(
  args: string[],
  talk?: (child: ChildProcess, stdout: () => string) => void,
  env: NodeJS.ProcessEnv = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: projectRoot,
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    if (talk) talk(child, () => stdout);
    else child.stdin.end();
  });
}

/** The client_id of the authorize URL the run printed. */
export function clientIdOf(output: string): string {
  const url = /https?:\/\/\S+\/oauth\/authorize\?\S+/.exec(output)?.[0];
  const id = url ? new URL(url).searchParams.get("client_id") : null;
  if (!id) throw new Error(`no authorize URL in:\n${output}`);
  return id;
}

/** Every file under `folder`, with its text and mode. */
export function filesUnder(folder: string): { name: string; text: string; mode: number }[] {
  return readdirSync(folder, { recursive: true })
    .map(String)
    .filter((name) => statSync(join(folder, name)).isFile())
    .sort()
    .map((name) => ({
      name,
      text: readFileSync(join(folder, name), "utf8"),
      mode: statSync(join(folder, name)).mode & 0o777,
    }));
}
