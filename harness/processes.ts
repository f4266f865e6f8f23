// Child processes of the harness: the engines and their tools, each group in a private temp folder
// (their logs and data), killed with the test process if it dies first.

import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

const readyTimeoutMs = 30_000;

/** Processes that live and die together, in one temp folder. */
export interface ProcessGroup {
  /** Their working folder: logs, and whatever data they are told to keep there. */
  readonly root: string;
  /** Starts `binary` in the group, its output appended to `<root>/<binary>.log`. */
  launch(binary: string, args: string[]): ChildProcess;
  /** Ends every process of the group, waits for them and removes the folder. Safe to call twice. */
  stop(): Promise<void>;
}

export function processGroup(prefix: string): ProcessGroup {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const processes: ChildProcess[] = [];
  const killOnExit = () => processes.forEach((child) => child.kill("SIGKILL"));
  process.once("exit", killOnExit);
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(processes.map((child) => terminate(child)));
      fs.rmSync(root, { recursive: true, force: true });
      process.removeListener("exit", killOnExit);
    })());
  const launch = (binary: string, args: string[]) => {
    const logFile = path.join(root, `${binary}.log`);
    const log = fs.openSync(logFile, "a");
    const child = spawn(binary, args, { cwd: root, stdio: ["ignore", log, log] });
    fs.closeSync(log);
    // Surfaces in the startup error's log tail instead of crashing the test run.
    child.on("error", (error) => fs.appendFileSync(logFile, `could not start ${binary}: ${error.message}\n`));
    processes.push(child);
    return child;
  };
  return { root, launch, stop };
}

/** Runs a tool to its end; its exit code other than 0 is an error with its stderr. */
export function run(binary: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${binary} ${args.join(" ")} exited with ${code}: ${stderr.trim()}`)),
    );
  });
}

/** Asks the OS for a port nobody listens on; the engine binds it a moment later. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Until `readyUrl` answers 200; an exit or 30 s without an answer is an error with the log's tail. */
export async function waitUntilReady(name: string, child: ChildProcess, readyUrl: string, root: string): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${name} exited during startup (${child.exitCode ?? child.signalCode}):\n${logTail(root, child)}`,
      );
    }
    try {
      if ((await fetch(readyUrl)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${name} was not ready after ${readyTimeoutMs / 1000}s at ${readyUrl}:\n${logTail(root, child)}`);
}

function logTail(root: string, child: ChildProcess): string {
  const binary = child.spawnfile;
  try {
    return fs
      .readFileSync(path.join(root, `${binary}.log`), "utf8")
      .split("\n")
      .slice(-20)
      .join("\n");
  } catch {
    return `(no log from ${binary})`;
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within 10 s. */
export async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
