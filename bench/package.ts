// The installed package: its size on disk and how long `check` takes from it (goals: under 10 MB, under 1 s).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { healthyScrape, packAndInstall, sizeOf } from "../harness/installed-package";

const runs = 5;

export function benchPackage(): string {
  const folder = mkdtempSync(join(tmpdir(), "bench-package-"));
  try {
    const installed = packAndInstall(folder);
    const scrape = join(folder, "scrape.txt");
    writeFileSync(scrape, healthyScrape());
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      const result = spawnSync(installed.bin, ["check", "--metrics", scrape], { cwd: installed.app, stdio: "ignore" });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (result.status !== 0) throw new Error(`check from the installed package exited ${result.status}`);
    }
    times.sort((a, b) => a - b);
    const megabytes = sizeOf(join(installed.app, "node_modules")) / 1e6;
    const check = times[Math.floor(runs / 2)] as number;
    console.log("Installed package (npm pack, npm install --offline into an empty folder)");
    console.log("  tarball                 %s kB", (sizeOf(installed.tarball) / 1e3).toFixed(0));
    console.log(
      "  node_modules            %s MB (goal: under 10 MB) %s",
      megabytes.toFixed(2),
      megabytes < 10 ? "OK" : "OVER",
    );
    console.log(
      "  check --metrics         %s ms, median of %d (goal: under 1 s) %s",
      check.toFixed(0),
      runs,
      check < 1000 ? "OK" : "OVER",
    );
    return [
      "### The installed package (npm pack, npm install --offline into an empty folder)",
      "",
      "| Tarball | node_modules (goal: under 10 MB) | check --metrics, median of 5 (goal: under 1 s) |",
      "| ---: | ---: | ---: |",
      `| ${(sizeOf(installed.tarball) / 1e3).toFixed(0)} kB | ${megabytes.toFixed(2)} MB ${megabytes < 10 ? "OK" : "OVER"} | ` +
        `${check.toFixed(0)} ms ${check < 1000 ? "OK" : "OVER"} |`,
    ].join("\n");
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
