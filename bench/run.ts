// Runs every bench, prints as it goes, and writes the tables to docs/benchmarks.md with the date, the
// machine and the Node version: the figures the README points to are this script's output, never typed.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { benchCliSpeed } from "./cli-speed";
import { benchEngines } from "./engines";
import { benchPackage } from "./package";
import { benchTune } from "./tune";

const report = path.join(__dirname, "..", "..", "docs", "benchmarks.md");

async function main(): Promise<void> {
  const sections = [benchCliSpeed(), benchPackage(), await benchEngines(), await benchTune()];
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? "unknown CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`;
  const text = [
    "# Benchmarks",
    "",
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${machine}, Node ${process.version}.`,
    "Do not edit: run the bench again. Counts of samples read are deterministic for the synthetic histories",
    "(the cost test in `npm test` holds them to their goals); times depend on the machine and its load.",
    "",
    "Samples read: Prometheus' `stats=all` `totalQueryableSamples` (a window's samples at every step);",
    "VictoriaMetrics' `vm_rows_read_per_query` (each stored row once a query). Compare within an engine.",
    "The yardstick is Akkoma's reference dashboard's queries with their trends repaired",
    "(`harness/yardstick.ts`).",
    "",
    ...sections.flatMap((section) => [section, ""]),
  ].join("\n");
  const temporary = `${report}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, text);
  fs.renameSync(temporary, report);
  console.log(`\nwrote ${path.relative(process.cwd(), report)}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
