// The one judge of `check`: what readers (our panels, annotation and alerts from their typed queries, or
// anyone's dashboard and rules from parsed PromQL) read against what a source exports (telemetry.ex or a
// scrape), and the one verdict format: a line a problem naming who goes blank or silent, then the verdict.
import { printable } from "../io/printable";
import { type Metric, exportedSeries } from "../queries/catalogue";
import type { LabelMatcher, Read, Reader, ReaderKind } from "../queries/query";

export interface ExportedLabels {
  /** Undefined when the source could not tell (e.g. tags telemetry.ex builds at runtime). */
  readonly labels: ReadonlySet<string> | undefined;
  readonly unknownBecause?: string;
  /** Label name → values seen, where the source shows values (a scrape). */
  readonly values?: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Series name → its labels, as a source exports them. */
export type Exported = ReadonlyMap<string, ExportedLabels>;

/** What a source exports, and its name for messages. */
export interface Source {
  readonly shown: string;
  readonly exported: Exported;
  /** A scrape: lazy series and unseen values are warnings. telemetry.ex: they are failures. */
  readonly scrape: boolean;
  /** What to say before any verdict (telemetry.ex's exporters, definitions it could not evaluate). */
  readonly notes: readonly string[];
  /** For a metric not found: why it may be there all the same, and a hint (a sentence) at why it is not. */
  readonly absence?: (metric: string) => { readonly unverifiable?: string; readonly hint?: string };
}

export interface Finding {
  readonly kind: "series" | "lazy" | "unverifiable" | "label" | "value" | "query";
  /** The series it is about; none for a query that could not be read. */
  readonly series?: string;
  readonly why: string;
  readonly warning: boolean;
  /** Who goes blank or silent. */
  readonly readers: readonly Reader[];
  readonly hint?: string;
}

export interface Judgement {
  /** Failures, then warnings; each in catalogue order of its series. */
  readonly findings: readonly Finding[];
  /** Readers with at least one failure (not a warning). */
  readonly failing: readonly Reader[];
  readonly readers: readonly Reader[];
  /** How many series were judged (those the scraper or a rule file writes aside). */
  readonly checked: number;
}

export interface JudgeOptions {
  readonly catalogue: readonly Metric[];
  /** Series a rule file records: they exist when the rules that record them work. */
  readonly recorded?: ReadonlySet<string>;
}

// The scraper adds these labels to every series and writes these series itself.
const scraperLabels = new Set(["job", "instance", "__name__"]);
const scraperSeries = [
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
];

/** Whether a matcher accepts a series without the label (Prometheus reads a missing label as ""). */
function matchesEmpty(matcher: LabelMatcher): boolean {
  if (matcher.variable) return matcher.op === "!=" || matcher.op === "!~";
  return matches(matcher, "") ?? matcher.op.startsWith("!");
}

/** Undefined when the regex is not one JavaScript reads the way RE2 does. */
function matches(matcher: LabelMatcher, value: string): boolean | undefined {
  if (matcher.op === "=") return value === matcher.value;
  if (matcher.op === "!=") return value !== matcher.value;
  try {
    const found = new RegExp(`^(?:${matcher.value})$`, "s").test(value);
    return matcher.op === "=~" ? found : !found;
  } catch {
    return undefined;
  }
}

const show = (m: LabelMatcher) => `${m.label}${m.op}${JSON.stringify(m.value)}`;

interface Building {
  kind: Finding["kind"];
  series?: string;
  why: string;
  warning: boolean;
  readers: Reader[];
  seen: Set<Reader>;
  hint?: string;
  /** An unverifiable series' labels, gathered from every reader. */
  labels?: Set<string>;
}

export function judge(readers: readonly Reader[], source: Source, options: JudgeOptions): Judgement {
  const { exported } = source;
  const metricOf = new Map<string, Metric>();
  for (const metric of options.catalogue) for (const series of exportedSeries(metric)) metricOf.set(series, metric);
  const fromScraper = (series: string) => scraperSeries.includes(series) || metricOf.get(series)?.source === "scraper";
  const judged = (series: string) => !fromScraper(series) && !options.recorded?.has(series);
  // A label the catalogue declares on the series: a legend or grouping over several series relies on it there.
  const declares = (series: string, label: string) => {
    const metric = metricOf.get(series);
    return (
      (metric?.labels as readonly string[] | undefined)?.includes(label) ||
      (label === "le" && series.endsWith("_bucket") && metric?.kind === "histogram")
    );
  };
  const found = new Map<string, Building>();
  const checked = new Set<string>();
  const say = (key: string, reader: Reader, made: () => Omit<Building, "readers" | "seen">) => {
    let finding = found.get(key);
    if (!finding) {
      finding = { ...made(), readers: [], seen: new Set() };
      found.set(key, finding);
    }
    if (!finding.seen.has(reader)) {
      finding.seen.add(reader);
      finding.readers.push(reader);
    }
    return finding;
  };
  const labelMissing = (reader: Reader, series: string, label: string) =>
    say(`label\0${series}\0${label}`, reader, () => ({
      kind: "label",
      series,
      why: `label "${label}" not exported`,
      warning: false,
    }));
  const unverifiable = (reader: Reader, series: string, labels: readonly string[], because: string) => {
    const finding = say(`unverifiable\0${series}`, reader, () => ({
      kind: "unverifiable",
      series,
      why: because,
      warning: false,
      labels: new Set(),
    }));
    for (const label of labels) finding.labels?.add(label);
  };

  const judgeRead = (reader: Reader, read: Read) => {
    const { series } = read;
    if (!judged(series)) return;
    checked.add(series);
    const exports = exported.get(series);
    if (!exports) {
      const metric = metricOf.get(series);
      const absence = source.absence?.(metric?.name ?? series) ?? {};
      if (absence.unverifiable)
        say(`series\0${series}`, reader, () => ({
          kind: "unverifiable",
          series,
          why: `cannot verify statically: not found, and ${absence.unverifiable}`,
          warning: false,
          ...(absence.hint ? { hint: ` [${absence.hint}]` } : {}),
        }));
      else if (source.scrape && (read.lazy ?? metric?.lazy))
        say(`series\0${series}`, reader, () => ({
          kind: "lazy",
          series,
          why: "not seen yet (lazy: appears after its first event)",
          warning: true,
        }));
      else
        say(`series\0${series}`, reader, () => {
          const hints = [metric?.since ? `Akkoma ${metric.since} or newer exports it` : "", absence.hint ?? ""];
          const hint = hints
            .filter(Boolean)
            .map((h) => ` [${h}]`)
            .join("");
          return { kind: "series", series, why: "not exported", warning: false, ...(hint ? { hint } : {}) };
        });
      return;
    }
    const matchers = (read.matchers ?? []).filter((m) => !scraperLabels.has(m.label));
    const labels = read.labels.filter((label) => !scraperLabels.has(label));
    const sharedHere = (reader.shared ?? [])
      .filter((use) => use.series.includes(series) && declares(series, use.label) && !scraperLabels.has(use.label))
      .map((use) => use.label);
    if (!exports.labels) {
      const relied = [...labels, ...matchers.map((m) => m.label), ...sharedHere];
      if (relied.length > 0) unverifiable(reader, series, relied, exports.unknownBecause ?? "labels unknown");
      return;
    }
    const has = exports.labels;
    for (const label of labels) if (!has.has(label)) labelMissing(reader, series, label);
    for (const matcher of matchers) {
      const there = has.has(matcher.label);
      if (!there && !matchesEmpty(matcher)) labelMissing(reader, series, matcher.label);
      else if (there && !source.scrape && matcher.op === "=" && matcher.value === "") {
        const why = `${show(matcher)} is impossible: every sample has label "${matcher.label}"`;
        say(`value\0${series}\0${why}`, reader, () => ({ kind: "value", series, why, warning: false }));
      }
      const values = exports.values?.get(matcher.label);
      if (there && values && !matcher.variable && !matcher.op.startsWith("!") && values.size > 0) {
        if ([...values].every((value) => matches(matcher, value) === false)) {
          const why = `no exported value of label "${matcher.label}" matches ${show(matcher)}`;
          say(`value\0${series}\0${why}`, reader, () => ({ kind: "value", series, why, warning: source.scrape }));
        }
      }
    }
  };

  for (const reader of readers) {
    for (const problem of reader.problems ?? [])
      say(`query\0${reader.kind}\0${reader.name}\0${problem}`, reader, () => ({
        kind: "query",
        why: problem,
        warning: false,
      }));
    for (const read of reader.reads) judgeRead(reader, read);
    for (const use of reader.shared ?? []) {
      if (scraperLabels.has(use.label)) continue;
      const series = use.series.filter(judged);
      // Where the catalogue says which of the series carry the label, those must export it (said above);
      // elsewhere it must be on at least one of them, judged once every one is exported with known labels.
      if (series.length === 0 || series.some((s) => declares(s, use.label))) {
        for (const s of series)
          if (declares(s, use.label) && exported.get(s)?.labels?.has(use.label) === false)
            labelMissing(reader, s, use.label);
        continue;
      }
      const labels = use.series.map((s) => (fromScraper(s) ? scraperLabels : exported.get(s)?.labels));
      if (labels.some((l) => l === undefined)) continue;
      if (labels.every((l) => !l?.has(use.label))) for (const s of series) labelMissing(reader, s, use.label);
    }
  }

  const order = new Map(options.catalogue.flatMap(exportedSeries).map((series, index) => [series, index]));
  const rank = (f: Building) => order.get(f.series ?? "") ?? Number.MAX_SAFE_INTEGER;
  const kindRank: Record<Finding["kind"], number> = {
    series: 0,
    lazy: 0,
    unverifiable: 1,
    label: 2,
    value: 3,
    query: 4,
  };
  const findings = [...found.values()]
    .map((f, index) => ({ f, index }))
    .sort(
      (a, b) =>
        Number(a.f.warning) - Number(b.f.warning) ||
        rank(a.f) - rank(b.f) ||
        compareText(a.f.series ?? "", b.f.series ?? "") ||
        kindRank[a.f.kind] - kindRank[b.f.kind] ||
        compareText(a.f.why, b.f.why) ||
        a.index - b.index,
    )
    .map(({ f }): Finding => {
      const labels = f.labels && [...f.labels].sort();
      const why = labels
        ? `cannot verify statically: labels ${labels.map((l) => `"${l}"`).join(", ")}: ${f.why}`
        : f.why;
      return {
        kind: f.kind,
        why,
        warning: f.warning,
        readers: f.readers,
        ...(f.series ? { series: f.series } : {}),
        ...(f.hint ? { hint: f.hint } : {}),
      };
    });
  // one pass over the findings: asking each reader's among all of them is quadratic in 200,000 panels
  const failed = new Set(findings.filter((f) => !f.warning).flatMap((f) => f.readers));
  return { findings, failing: readers.filter((reader) => failed.has(reader)), readers, checked: checked.size };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const nouns: Record<ReaderKind, [string, string]> = {
  panel: ["panel", "panels"],
  annotation: ["annotation", "annotations"],
  variable: ["variable", "variables"],
  alert: ["alert", "alerts"],
  record: ["recording rule", "recording rules"],
};
const kinds = Object.keys(nouns) as ReaderKind[];

/** A panel's title or a rule's name may be a file's text: shown escaped and bounded. */
const named = (reader: Reader) => `${nouns[reader.kind][0]} "${printable(reader.name)}"`;

/** The distinct names of the readers of one kind. */
export const namesOf = (readers: readonly Reader[], kind: ReaderKind) => [
  ...new Set(readers.filter((reader) => reader.kind === kind).map((reader) => reader.name)),
];

/** `(panels: A, B; alerts: C)`: who goes blank or silent. */
export function readerList(readers: readonly Reader[]): string {
  const parts = kinds.flatMap((kind) => {
    const names = namesOf(readers, kind);
    return names.length > 0 ? [`${nouns[kind][1]}: ${names.map((name) => printable(name)).join(", ")}`] : [];
  });
  return `(${parts.join("; ")})`;
}

/** One line a finding, e.g. `akkoma_job_queue_available: not exported (panels: Pending Jobs)`. */
export function findingLine(finding: Finding): string {
  const warning = finding.warning ? "warning: " : "";
  // A finding may quote the file's PromQL (names, matchers, its parser's complaint): escaped, longer.
  const why = printable(finding.why, 1000);
  if (finding.series === undefined) return `${warning}${finding.readers.map(named).join(", ")}: ${why}`;
  return `${warning}${printable(finding.series)}: ${why} ${readerList(finding.readers)}${finding.hint ?? ""}`;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/**
 * The findings' lines, then the verdict on `judged` (what was read: "the dashboard", a file) against
 * `source`: `ok: SOURCE exports all 11 series the dashboard reads, with their labels`, or
 * `FAIL: SOURCE: 1 of 11 series not exported: 1 of 9 in the dashboard would go blank or silent: panel "A"`.
 */
export function judgementLines(judgement: Judgement, source: string, judged: string): string[] {
  const lines = judgement.findings.map(findingLine);
  const count = (kind: Finding["kind"], warning = false) =>
    judgement.findings.filter((f) => f.kind === kind && f.warning === warning).length;
  if (judgement.failing.length === 0) {
    const unseen = [
      count("lazy", true) > 0 ? `${count("lazy", true)} lazy series not seen yet` : "",
      count("value", true) > 0
        ? plural(count("value", true), "label value not seen yet", "label values not seen yet")
        : "",
    ].filter(Boolean);
    lines.push(
      `ok: ${source} exports all ${judgement.checked} series ${judged} reads, with their labels${unseen.length > 0 ? ` (${unseen.join("; ")})` : ""}`,
    );
    return lines;
  }
  const labels = count("label") + count("value");
  const parts = [
    count("series") > 0 ? `${count("series")} of ${judgement.checked} series not exported` : "",
    count("unverifiable") > 0 ? `${count("unverifiable")} cannot be verified statically` : "",
    labels > 0 ? plural(labels, "label problem", "label problems") : "",
    count("query") > 0 ? plural(count("query"), "query not read", "queries not read") : "",
  ].filter(Boolean);
  lines.push(
    `FAIL: ${source}: ${parts.join(", ")}: ${judgement.failing.length} of ${judgement.readers.length} in ${judged} would go blank or silent: ${judgement.failing.map(named).join(", ")}`,
  );
  return lines;
}
