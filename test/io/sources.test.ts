// Every input check reads is bounded in size and in time: files, FIFOs, standard input, token files.
// FIFOs are made in temp folders; their writers are child processes ended by each test.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cliPath, useTempFolder } from "../support/build";

function runCli(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

describe("check's inputs, bounded", () => {
  const folder = useTempFolder("check-sources-");
  const writers: ChildProcess[] = [];
  afterEach(() => {
    for (const writer of writers.splice(0)) writer.kill();
  });
  const fifo = (name: string) => {
    const path = join(folder(), name);
    spawnSync("mkfifo", [path]);
    return path;
  };
  /** A FIFO someone writes into endlessly, as `yes > fifo` would. */
  const endlessFifo = (name: string) => {
    const path = fifo(name);
    writers.push(spawn("sh", ["-c", 'exec yes > "$0"', path], { stdio: "ignore" }));
    return path;
  };

  it.each([
    ["--telemetry", (path: string) => ["check", "--telemetry", path, "--timeout", "1"]],
    [
      "--token-file",
      (path: string) => ["check", "--metrics", "http://127.0.0.1:9/metrics", "--token-file", path, "--timeout", "1"],
    ],
  ])("a %s FIFO nobody writes to: stopped after --timeout, exit 2", async (_, args) => {
    const path = fifo("waiting");
    const result = await runCli(args(path));
    expect(result).toEqual({
      status: 2,
      stderr: `akkoma-dashboards: ${path}: nothing complete within 1 s; stopped reading (raise --timeout if it is slow)\n`,
    });
  });

  it("a --token-file FIFO fed endlessly: stopped at --max-size, exit 2", async () => {
    const path = endlessFifo("endless");
    const result = await runCli([
      "check",
      "--metrics",
      "http://127.0.0.1:9/metrics",
      "--token-file",
      path,
      "--max-size",
      "1",
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^akkoma-dashboards: ${path}: larger than the 1 MiB limit; stopped`));
  });

  it("--max-size above what a string can hold is refused, naming the largest that works", async () => {
    const scrape = join(folder(), "scrape.txt");
    writeFileSync(scrape, "up 1\n");
    const result = await runCli(["check", "--metrics", scrape, "--max-size", "4096"]);
    expect(result).toEqual({
      status: 2,
      stderr: "akkoma-dashboards: --max-size: expected a number of MiB above 0 and at most 256\n",
    });
  });
});
