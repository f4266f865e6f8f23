import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { releaseRows, releaseTable } from "../../tools/releases";
import { titles } from "../../panels/titles";
import { telemetryEx, tempDir, variant } from "../check/fixtures";

/** A git repository in Akkoma's layout, one tagged commit a release. */
function akkomaClone(releases: readonly { tag: string; version: string; telemetry?: string }[]): string {
  const clone = tempDir();
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.name=test", "-c", "user.email=test@example.org", "-C", clone, ...args]);
  git("init", "-q");
  mkdirSync(join(clone, "lib/pleroma/web"), { recursive: true });
  for (const release of releases) {
    writeFileSync(join(clone, "mix.exs"), `def project do\n  [version: version("${release.version}")]\nend\n`);
    if (release.telemetry) writeFileSync(join(clone, "lib/pleroma/web/telemetry.ex"), release.telemetry);
    git("add", "-A");
    git("commit", "-q", "-m", release.tag);
    git("tag", release.tag);
  }
  return clone;
}

describe("the release table", () => {
  const withoutQueue = variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"');
  // The BEAM's memory poll count is what the restart marks read.
  const withoutMemory = variant('pair("vm.memory.total"', 'pair("vm.memory.gone"');
  const clone = akkomaClone([
    { tag: "v3.0.0", version: "3.0.0" },
    { tag: "v3.0.1", version: "3.0.1", telemetry: withoutMemory },
    { tag: "v3.1.0", version: "3.1.0", telemetry: withoutQueue },
    { tag: "v3.2.0", version: "3.2.0", telemetry: telemetryEx },
    { tag: "not-a-release", version: "3.2.0", telemetry: `${telemetryEx}\n# a later commit` },
  ]);

  test("one row a release with a telemetry.ex, naming the panels and alerts that fail with it", () => {
    const rows = releaseRows(clone);
    expect(rows.map((row) => [row.tags, row.version])).toEqual([
      [["v3.0.1"], "3.0.1"],
      [["v3.1.0"], "3.1.0"],
      [["v3.2.0", expect.stringMatching(/^HEAD \(\d{4}-\d{2}-\d{2}\)$/)], "3.2.0"],
    ]);
    expect(rows[0]?.panels).toContain('annotation "Akkoma restarts"');
    expect(rows[1]?.panels).toContain(titles.pendingJobs);
    expect(rows[1]?.panels).not.toContain('annotation "Akkoma restarts"');
    expect(rows[2]?.panels).not.toContain(titles.pendingJobs);
  });

  test("as markdown, runs of equal results in one row", () => {
    const table = releaseTable(releaseRows(clone), "a test clone");
    expect(table).toMatch(/^\| v3\.2\.0 … HEAD \(.*\) \| 3\.2\.0 \| \d+ \|/m);
    expect(table).toContain("npm run releases -- PATH_TO_AKKOMA_CLONE");
  });
});
