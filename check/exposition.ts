// Prometheus text exposition format (and the OpenMetrics text it resembles): which series a scrape holds
// and which labels each carries. Values are validated, not kept: `check` needs names and label names.
import { DashboardError } from "../errors";

export interface Exposition {
  /** Sample name → label names seen on any of its samples (label-less samples add none). */
  readonly series: ReadonlyMap<string, ReadonlySet<string>>;
  /** Sample name → label name → the values seen (at most `maxValuesKept` of each), for `check --dashboard`. */
  readonly values: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
}

/** Enough to tell a matcher no value satisfies, bounded for scrapes with a label of unbounded values. */
const maxValuesKept = 200;

interface Sample {
  readonly name: string;
  readonly labels: readonly string[];
  readonly values: readonly string[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const wholeMetricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
// Sticky (y): matched where the parse stands, so a line of many labels is read in one pass.
const labelName = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const number = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|0[xX][0-9a-fA-F]+)|[+-]?Inf|NaN)$/i;
const timestamp = /^-?\d+(?:\.\d+)?$/;
const types = new Set([
  "counter",
  "gauge",
  "histogram",
  "summary",
  "untyped",
  "unknown",
  "gaugehistogram",
  "stateset",
  "info",
]);

class LineError extends Error {}

/** Parses an exposition; `source` names it in errors (a file or URL). */
export function parseExposition(text: string, source: string): Exposition {
  if (text.startsWith("\ufeff"))
    throw new DashboardError(
      `${source}:1`,
      "not a Prometheus text exposition: it starts with a U+FEFF byte-order mark",
      "save it as UTF-8 without one",
    );
  const series = new Map<string, Set<string>>();
  const values = new Map<string, Map<string, Set<string>>>();
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") return;
    try {
      if (line.startsWith("#")) {
        comment(line);
        return;
      }
      const sample = parseSample(line);
      const labels = series.get(sample.name) ?? new Set<string>();
      for (const label of sample.labels) labels.add(label);
      series.set(sample.name, labels);
      const seen = values.get(sample.name) ?? new Map<string, Set<string>>();
      sample.labels.forEach((label, i) => {
        const set = seen.get(label) ?? new Set<string>();
        if (set.size < maxValuesKept) set.add(sample.values[i] as string);
        seen.set(label, set);
      });
      values.set(sample.name, seen);
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      throw new DashboardError(
        `${source}:${index + 1}`,
        `not a Prometheus text exposition: ${error.message}`,
        `line: ${excerpt(line)}`,
      );
    }
  });
  if (series.size === 0) {
    throw new DashboardError(source, "not a Prometheus text exposition: it holds no samples");
  }
  return { series, values };
}

/** The line as a JSON string, shortened, invisible characters (format, control) as \uXXXX escapes. */
const excerpt = (line: string) =>
  JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line).replace(
    /[\p{Cf}\p{Cc}]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, "0")}`,
  );

/** Validates `# HELP`, `# TYPE` and OpenMetrics' `# UNIT`; any other `#` line (`# EOF`) is a comment. */
function comment(line: string): void {
  const match = /^#\s*(HELP|TYPE|UNIT)\s+(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return;
  const [, keyword, name, rest = ""] = match;
  if (!wholeMetricName.test(name)) throw new LineError(`${keyword} names an invalid metric ${JSON.stringify(name)}`);
  if (keyword === "TYPE" && !types.has(rest.trim()))
    throw new LineError(`unknown metric type ${JSON.stringify(rest.trim())}`);
}

/** `name{label="value",...} value [timestamp]`, label values with `\\`, `\"` and `\n` escapes. */
function parseSample(line: string): Sample {
  const name = metricName.exec(line)?.[0];
  if (!name) throw new LineError('expected a sample "name{labels} value"');
  let rest = line.slice(name.length);
  let labels: string[] = [];
  let values: string[] = [];
  if (rest.startsWith("{")) {
    const parsed = parseLabels(rest);
    labels = parsed.names;
    values = parsed.values;
    rest = rest.slice(parsed.length);
  }
  // OpenMetrics exemplars follow " # "
  const fields = rest.split(" # ")[0].trim().split(/\s+/);
  if (!number.test(fields[0])) throw new LineError(`expected a number after ${name}`);
  if (fields.length > 2 || (fields.length === 2 && !timestamp.test(fields[1])))
    throw new LineError("unexpected text after the value");
  return { name, labels, values };
}

function parseLabels(text: string): { names: string[]; values: string[]; length: number } {
  const names: string[] = [];
  const values: string[] = [];
  let pos = 1;
  const skipSpaces = () => {
    while (text[pos] === " " || text[pos] === "\t") pos++;
  };
  for (;;) {
    skipSpaces();
    if (text[pos] === "}") return { names, values, length: pos + 1 };
    labelName.lastIndex = pos;
    const name = labelName.exec(text)?.[0];
    if (!name) throw new LineError("expected a label name");
    pos += name.length;
    skipSpaces();
    if (text[pos] !== "=") throw new LineError(`expected = after label ${name}`);
    pos++;
    skipSpaces();
    if (text[pos] !== '"') throw new LineError(`expected a quoted value for label ${name}`);
    const start = pos + 1;
    pos = endOfQuoted(text, start, name);
    names.push(name);
    values.push(unescaped(text.slice(start, pos - 1)));
    skipSpaces();
    if (text[pos] === ",") pos++;
    else if (text[pos] !== "}") throw new LineError(`expected , or } after label ${name}`);
  }
}

const backslash = 92;
const letterN = 110;
const utf16 = new TextDecoder("utf-16le");

/**
 * A label value with its `\\`, `\"` and `\n` escapes (checked by endOfQuoted) undone into one flat
 * buffer: a replace() callback per escape made a string per escape, 80 times the value's size at peak.
 */
function unescaped(raw: string): string {
  if (!raw.includes("\\")) return raw;
  const out = new Uint16Array(raw.length);
  let length = 0;
  for (let i = 0; i < raw.length; i++) {
    let unit = raw.charCodeAt(i);
    if (unit === backslash) {
      const next = raw.charCodeAt(++i);
      unit = next === letterN ? 10 : next;
    }
    out[length++] = unit;
  }
  return utf16.decode(out.subarray(0, length));
}

/** Index just past the closing quote of a label value starting at `pos`. */
function endOfQuoted(text: string, pos: number, label: string): number {
  for (let i = pos; i < text.length; i++) {
    if (text[i] === "\\") {
      if (!["\\", '"', "n"].includes(text[i + 1] ?? "")) throw new LineError(`invalid escape in label ${label}`);
      i++;
    } else if (text[i] === '"') {
      return i + 1;
    }
  }
  throw new LineError(`unterminated value of label ${label}`);
}
