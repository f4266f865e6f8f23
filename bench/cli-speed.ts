// How long the CLI's build takes next to a bare Node start: the goal is at most 6 times as long.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = 15;
const cli = join(__dirname, "..", "akkoma-dashboards.js");

function medianMs(args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: "ignore" });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (result.status !== 0) throw new Error(`node ${args.join(" ")} exited ${result.status}`);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(runs / 2)] as number;
}

export function benchCliSpeed(): string {
  const folder = mkdtempSync(join(tmpdir(), "bench-cli-"));
  try {
    const bare = medianMs(["-e", "0"]);
    const build = medianMs([cli, "build", "--out", join(folder, "dashboard.json")]);
    const ratio = build / bare;
    console.log("CLI build speed (median of %d runs)", runs);
    console.log("  node -e 0               %s ms", bare.toFixed(1));
    console.log("  node <bin> build        %s ms", build.toFixed(1));
    console.log("  ratio                   %sx (goal: at most 6x) %s", ratio.toFixed(2), ratio <= 6 ? "OK" : "OVER");
    return [
      `### CLI build speed (median of ${runs} runs)`,
      "",
      "| node -e 0 | node <bin> build | Ratio (goal: at most 6x) |",
      "| ---: | ---: | ---: |",
      `| ${bare.toFixed(0)} ms | ${build.toFixed(0)} ms | ${ratio.toFixed(2)}x ${ratio <= 6 ? "OK" : "OVER"} |`,
    ].join("\n");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
