// Any dashboard's panels or any rule file's rules against what a source exports: which would go blank or
// silent, and why (series not exported, label not exported, a matcher no exported value can satisfy).
// What each reads comes from parsing its PromQL (promql.ts), as nothing recorded it.
import type { Metric } from "../queries/catalogue";
import { exportedSeries } from "../queries/catalogue";
import type { Exported } from "./compare";
import type { QueryReader } from "./dashboard-file";
import { type Matcher, type PromqlReads, type Selector, readPromql } from "./promql";
import { printable } from "../io/printable";

export interface Problem {
  readonly reader: QueryReader;
  readonly why: string;
  /** A live scrape lacks lazy series and label values until their first event: not yet a failure. */
  readonly warning: boolean;
}

export interface Judgement {
  readonly problems: readonly Problem[];
  /** Readers with at least one failure (not a warning). */
  readonly failing: readonly QueryReader[];
  readonly readers: readonly QueryReader[];
}

export interface JudgeOptions {
  readonly catalogue: readonly Metric[];
  /** Variable names of the dashboard the queries come from. */
  readonly variables?: ReadonlySet<string>;
  /** Series a rule file records: they exist when the rules that record them work. */
  readonly recorded?: ReadonlySet<string>;
  /** A scrape: lazy series and unseen values are warnings. telemetry.ex: they are failures. */
  readonly scrape: boolean;
}

// The scraper adds these to every series and writes these series itself.
const scraperLabels = new Set(["job", "instance", "__name__"]);
const scraperSeries = new Set([
  "up",
  "scrape_duration_seconds",
  "scrape_samples_scraped",
  "scrape_samples_post_metric_relabeling",
  "scrape_series_added",
]);

/** Whether a matcher accepts a series without the label (Prometheus reads a missing label as ""). */
function matchesEmpty(matcher: Matcher): boolean {
  if (matcher.variable) return matcher.op === "!=" || matcher.op === "!~";
  return matches(matcher, "") ?? matcher.op.startsWith("!");
}

/** Undefined when the regex is not one JavaScript reads the way RE2 does. */
function matches(matcher: Matcher, value: string): boolean | undefined {
  if (matcher.op === "=") return value === matcher.value;
  if (matcher.op === "!=") return value !== matcher.value;
  try {
    const found = new RegExp(`^(?:${matcher.value})$`, "s").test(value);
    return matcher.op === "=~" ? found : !found;
  } catch {
    return undefined;
  }
}

const show = (m: Matcher) => `${m.label}${m.op}${JSON.stringify(m.value)}`;

export function judge(readers: readonly QueryReader[], exported: Exported, options: JudgeOptions): Judgement {
  const lazy = new Set(options.catalogue.filter((m) => m.lazy).flatMap(exportedSeries));
  const fromScraper = new Set([
    ...scraperSeries,
    ...options.catalogue.filter((m) => m.source === "scraper").map((m) => m.name),
  ]);
  const problems: Problem[] = [];
  for (const reader of readers) {
    const say = (why: string, warning = false) => problems.push({ reader, why, warning });
    if (reader.problem) say(reader.problem);
    reader.queries.forEach((query, index) => {
      const reads: PromqlReads = readPromql(query, options.variables);
      const where = reader.queries.length > 1 ? `query ${index + 1}: ` : "";
      if (reads.syntaxError) say(`${where}does not parse (${reads.syntaxError})`);
      if (reads.unread) say(`${where}cannot be read: ${reads.unread}`);
      const known = (s: Selector) => (s.name === undefined ? undefined : exported.get(s.name));
      for (const selector of reads.selectors) {
        const name = selector.name;
        if (name === undefined || fromScraper.has(name) || options.recorded?.has(name)) continue;
        const found = exported.get(name);
        if (!found) {
          if (options.scrape && lazy.has(name))
            say(`${where}${name}: not seen yet (lazy: appears after its first event)`, true);
          else say(`${where}${name}: not exported`);
          continue;
        }
        for (const matcher of selector.matchers) {
          if (scraperLabels.has(matcher.label)) continue;
          if (!found.labels) {
            say(
              `${where}${name}: cannot verify label "${matcher.label}" statically: ${found.unknownBecause ?? "labels unknown"}`,
            );
            continue;
          }
          const has = found.labels.has(matcher.label);
          if (!has && !matchesEmpty(matcher))
            say(`${where}${name}: label "${matcher.label}" not exported (${show(matcher)})`);
          else if (has && !options.scrape && matcher.op === "=" && matcher.value === "")
            say(`${where}${name}: ${show(matcher)} is impossible: every sample has label "${matcher.label}"`);
          const values = found.values?.get(matcher.label);
          if (has && values && !matcher.variable && !matcher.op.startsWith("!") && values.size > 0) {
            if ([...values].every((value) => matches(matcher, value) === false))
              say(
                `${where}${name}: no exported value of label "${matcher.label}" matches ${show(matcher)}`,
                options.scrape,
              );
          }
        }
      }
      for (const use of reads.labelUses) {
        if (scraperLabels.has(use.label)) continue;
        const selectors = use.selectors.map((i) => reads.selectors[i] as Selector);
        // Judged only when every series it groups is exported with known labels: the rest is said above.
        const labels = selectors.map((s) =>
          fromScraper.has(s.name ?? "") ? new Set(scraperLabels) : known(s)?.labels,
        );
        if (labels.length === 0 || labels.some((l) => l === undefined)) continue;
        if (labels.every((l) => !l?.has(use.label)))
          say(
            `${where}label "${use.label}" (${use.clause}) is on none of ${[...new Set(selectors.map((s) => s.name))].join(", ")}`,
          );
      }
    });
  }
  // one pass over the problems: asking each reader's among all of them is quadratic in 200,000 panels
  const failed = new Set(problems.filter((p) => !p.warning).map((p) => p.reader));
  const failing = readers.filter((reader) => failed.has(reader));
  return { problems: dedupe(problems), failing, readers };
}

function dedupe(problems: readonly Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.reader.kind}\0${p.reader.name}\0${p.why}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const readerNoun: Record<QueryReader["kind"], string> = {
  panel: "panel",
  variable: "variable",
  annotation: "annotation",
  alert: "alert",
  record: "recording rule",
};

/** "24 panels, 2 variables and 1 annotation": what a file holds, by kind. */
function counted(readers: readonly QueryReader[]): string {
  const kinds = Object.keys(readerNoun) as QueryReader["kind"][];
  const parts = kinds.flatMap((kind) => {
    const count = readers.filter((r) => r.kind === kind).length;
    return count === 0 ? [] : [`${count} ${readerNoun[kind]}${count === 1 ? "" : "s"}`];
  });
  return parts.length <= 1
    ? (parts[0] ?? "nothing")
    : `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

/** A panel's title or a rule's name is the file's text: shown escaped and bounded. */
const named = (reader: QueryReader) => `${readerNoun[reader.kind]} "${printable(reader.name)}"`;

/** One line a problem, then the verdict: `FAIL: FILE: 3 of 40 would go blank or silent against SOURCE: ...`. */
export function judgementLines(judgement: Judgement, file: string, source: string): string[] {
  // A problem quotes the file's PromQL (names, matchers, its parser's complaint): escaped too, longer.
  const lines = judgement.problems.map(
    (p) => `${p.warning ? "warning: " : ""}${named(p.reader)}: ${printable(p.why, 1000)}`,
  );
  const count = judgement.failing.length;
  lines.push(
    count === 0
      ? `ok: ${file}: ${counted(judgement.readers)}, all reading what ${source} exports`
      : `FAIL: ${file}: ${count} of ${judgement.readers.length} would go blank or silent against ${source}: ${judgement.failing.map(named).join(", ")}`,
  );
  return lines;
}
