// The release table: which panels and alerts work with which Akkoma release, from each release tag's
// lib/pleroma/web/telemetry.ex in a local clone of Akkoma. `npm run releases -- PATH_TO_AKKOMA_CLONE`
// rewrites docs/releases.md; the README says how to get the clone.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as markdown from "prettier/plugins/markdown";
import { format } from "prettier/standalone";
import prettierConfig from "../.prettierrc.json";
import { alertReaders } from "../alerts/reads";
import { judge, namesOf } from "../check/judge";
import { telemetryReportSource } from "../check/run";
import { readTelemetry } from "../check/telemetry";
import { annotationReaders } from "../dashboards/annotations";
import { sections } from "../dashboards/akkoma";
import { panelReaders } from "../dashboards/reads";
import { catalogue } from "../queries/catalogue";

/** Release tags: versions (v3.16.0) and the dated snapshots some mirrors tag (2025-10-24). */
const releaseTag = /^(?:v?\d+\.\d+\.\d+|\d{4}-\d{2}-\d{2})$/;
const telemetryPath = "lib/pleroma/web/telemetry.ex";

interface Row {
  readonly tags: string[];
  readonly version: string;
  readonly missing: number;
  readonly panels: readonly string[];
  readonly alerts: readonly string[];
}

const git = (clone: string, ...args: string[]) =>
  execFileSync("git", ["-C", clone, ...args], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "pipe"],
  });

function show(clone: string, ref: string, path: string): string | undefined {
  try {
    return git(clone, "show", `${ref}:${path}`);
  } catch {
    return undefined;
  }
}

/** One row a release (or run of releases with the same result) whose telemetry.ex exists, in tag order, the last one the clone's HEAD. */
export function releaseRows(clone: string): Row[] {
  const tags = git(clone, "tag", "--sort=creatordate")
    .split("\n")
    .filter((tag) => releaseTag.test(tag));
  const readers = [...panelReaders(sections()), ...annotationReaders(), ...alertReaders()];
  const rows: Row[] = [];
  for (const ref of [...tags, "HEAD"]) {
    const source = show(clone, ref, telemetryPath);
    if (source === undefined) continue;
    const version = /version\("(\d+\.\d+\.\d+)"\)/.exec(show(clone, ref, "mix.exs") ?? "")?.[1] ?? "?";
    const report = readTelemetry(source, `${ref}:${telemetryPath}`);
    const { findings, failing } = judge(readers, telemetryReportSource(report), { catalogue });
    const row = {
      tags: [ref === "HEAD" ? `HEAD (${git(clone, "log", "-1", "--format=%cs").trim()})` : ref],
      version,
      missing: findings.filter((f) => f.kind === "series").length,
      // An annotation that goes blank draws no marks on any panel: listed with the panels, named as one.
      panels: [...namesOf(failing, "panel"), ...namesOf(failing, "annotation").map((name) => `annotation "${name}"`)],
      alerts: namesOf(failing, "alert"),
    };
    const last = rows[rows.length - 1];
    const same = (a: Row, b: Row) =>
      a.version === b.version && JSON.stringify([a.panels, a.alerts]) === JSON.stringify([b.panels, b.alerts]);
    if (last && same(last, row)) for (const tag of row.tags) last.tags.push(tag);
    else rows.push(row);
  }
  return rows;
}

export function releaseTable(rows: readonly Row[], origin: string): string {
  const list = (names: readonly string[]) => (names.length === 0 ? "all work" : names.join(", "));
  const tags = (row: Row) =>
    row.tags.length === 1 ? row.tags[0] : `${row.tags[0]} … ${row.tags[row.tags.length - 1]}`;
  return [
    "# Akkoma releases",
    "",
    `Which panels go blank and which alerts stay silent with each release of Akkoma, from \`check\` against`,
    `each release tag's \`${telemetryPath}\` (${origin}). Tags with the same result are one row;`,
    "the version is the one `mix.exs` names at the tag. Regenerate: `npm run releases -- PATH_TO_AKKOMA_CLONE`.",
    "",
    "| Tags | Akkoma (mix.exs) | Series missing | Panels and annotations that go blank | Alerts that stay silent |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((r) => `| ${tags(r)} | ${r.version} | ${r.missing} | ${list(r.panels)} | ${list(r.alerts)} |`),
    "",
  ].join("\n");
}

if (require.main === module) {
  const [clone, out = join(__dirname, "..", "..", "docs", "releases.md")] = process.argv.slice(2);
  if (!clone) {
    process.stderr.write("usage: npm run releases -- PATH_TO_AKKOMA_CLONE [OUTPUT.md]\n");
    process.exit(2);
  }
  const head = git(clone, "rev-parse", "--short=12", "HEAD").trim();
  const table = releaseTable(releaseRows(clone), `a clone of Akkoma at ${head}`);
  // formatted as the repository's prettier check wants it
  format(table, { ...prettierConfig, parser: "markdown", plugins: [markdown] })
    .then((text) => {
      writeFileSync(out, text);
      process.stdout.write(`wrote ${out}\n`);
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
