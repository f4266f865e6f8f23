// Range queries against the admin's Prometheus or VictoriaMetrics, within the engines' limits: a long range
// is cut into chunks of at most `maxPoints` steps (Prometheus refuses a query of over 11,000 points), and
// every answer is bounded in size and time like every input of `check` (io/sources.ts).
import { DashboardError } from "../errors";
import { plainHttpWarning, readBody, send } from "../io/http";
import { isObject } from "../io/json";
import { printable, redactUrl } from "../io/printable";
import { type ReadLimits, readToken } from "../io/sources";

/** Prometheus' own limit is 11,000 points a series; stay under it with room to spare. */
export const defaultMaxPoints = 10_000;
/**
 * Samples one query's answers may hold in all, over every chunk and series: each is kept until the
 * replay reads it, so this bounds memory (80 MB of times) where the size cap bounds one answer only.
 */
export const defaultMaxSamples = 10_000_000;

export interface EngineOptions extends ReadLimits {
  readonly url: string;
  readonly tokenFile?: string;
  readonly warn: (line: string) => void;
  /** Steps per query at most. */
  readonly maxPoints?: number;
  /** Samples one query's answers may hold in all. */
  readonly maxSamples?: number;
}

/** One series of a range query: its labels and the evaluation times (ms) at which it had a value. */
export interface SeriesAnswer {
  readonly labels: Readonly<Record<string, string>>;
  readonly times: readonly number[];
}

export interface RangeClient {
  /** Every series `expr` returns at start, start + step, ... up to end (ms), chunked. */
  queryRange(
    expr: string,
    startMs: number,
    endMs: number,
    stepMs: number,
    onChunk?: () => void,
  ): Promise<SeriesAnswer[]>;
}

/** The chunks of [startMs, endMs] a range query is cut into, each at most `maxPoints` steps, none overlapping. */
export function chunksOf(startMs: number, endMs: number, stepMs: number, maxPoints: number): [number, number][] {
  const chunks: [number, number][] = [];
  for (let from = startMs; from <= endMs; from += maxPoints * stepMs) {
    chunks.push([from, Math.min(endMs, from + (maxPoints - 1) * stepMs)]);
  }
  return chunks;
}

/**
 * The series of a range query's answer, checked field by field: valid JSON of another shape (a proxy's
 * page, another API) is named for what is wrong in it, not read as an empty or broken answer.
 */
function seriesOfAnswer(answer: unknown, shown: string, status: number): SeriesAnswer[] {
  const wrong = (what: string) =>
    new DashboardError(
      shown,
      `HTTP ${status}: not a Prometheus range query answer: ${what}`,
      "is this the engine's base URL?",
    );
  if (!isObject(answer)) throw wrong("not a JSON object");
  if (status === 401 || status === 403)
    throw new DashboardError(shown, `HTTP ${status}: the engine refused the request`, "check --token-file");
  if (answer.status !== "success") {
    const why = typeof answer.error === "string" ? printable(answer.error) : `HTTP ${status}`;
    if (answer.status === "error") throw new DashboardError(shown, `the engine refused a query: ${why}`);
    throw wrong(`"status" is ${JSON.stringify(answer.status) ?? "missing"}, not "success" or "error"`);
  }
  const data = answer.data;
  if (!isObject(data)) throw wrong(`"data" is not an object`);
  if (data.resultType !== "matrix")
    throw wrong(`"data.resultType" is ${JSON.stringify(data.resultType) ?? "missing"}, not "matrix"`);
  const result = data.result;
  if (!Array.isArray(result)) throw wrong(`"data.result" is not a list`);
  return result.map((item: unknown, i) => {
    const at = `data.result[${i}]`;
    if (!isObject(item) || !isObject(item.metric)) throw wrong(`"${at}.metric" is not an object`);
    for (const [name, value] of Object.entries(item.metric))
      if (typeof value !== "string") throw wrong(`"${at}.metric.${name}" is not a string`);
    if (!Array.isArray(item.values)) throw wrong(`"${at}.values" is not a list`);
    const times: number[] = [];
    (item.values as unknown[]).forEach((pair, j) => {
      if (!Array.isArray(pair) || typeof pair[0] !== "number" || typeof pair[1] !== "string")
        throw wrong(`"${at}.values[${j}]" is not a [time, "value"] pair`);
      if (!Number.isNaN(Number(pair[1]))) times.push(Math.round(pair[0] * 1000));
    });
    return { labels: item.metric as Record<string, string>, times };
  });
}

export async function rangeClient(options: EngineOptions): Promise<RangeClient> {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new DashboardError(`--engine ${redactUrl(options.url)}`, "not a valid URL", "e.g. http://localhost:9090");
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw new DashboardError(`--engine ${redactUrl(options.url)}`, "not an http(s) URL");
  if (base.username || base.password)
    throw new DashboardError(
      `--engine ${redactUrl(options.url)}`,
      "credentials in the URL are not supported",
      "put a bearer token in --token-file",
    );
  const shown = redactUrl(options.url);
  const token = options.tokenFile ? await readToken(options.tokenFile, options.warn, options) : undefined;
  const warning = token === undefined ? undefined : plainHttpWarning(options.url, "the token");
  if (warning) options.warn(warning);
  const endpoint = new URL(`${base.pathname.replace(/\/+$/, "")}/api/v1/query_range`, base).toString();
  const maxPoints = options.maxPoints ?? defaultMaxPoints;

  const one = async (expr: string, startMs: number, endMs: number, stepMs: number) => {
    // POST: the raw forms of the alerts run to thousands of characters, past what some proxies let through a URL.
    const body = new URLSearchParams({
      query: expr,
      start: String(startMs / 1000),
      end: String(endMs / 1000),
      step: `${stepMs / 1000}s`,
    });
    const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
    if (token !== undefined) headers.Authorization = `Bearer ${token}`;
    // A redirect is refused, not followed (io/http.ts): the token must reach this engine and no other.
    const response = await send(endpoint, {
      method: "POST",
      body: body.toString(),
      headers,
      secret: token !== undefined,
      timeoutSeconds: options.timeoutSeconds,
    });
    const text = await readBounded(response, shown, options);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      if (response.status === 401 || response.status === 403)
        throw new DashboardError(
          shown,
          `HTTP ${response.status}: the engine refused the request`,
          "check --token-file",
        );
      throw new DashboardError(
        shown,
        `HTTP ${response.status}: not a Prometheus API answer`,
        "is this the engine's base URL?",
      );
    }
    return seriesOfAnswer(answer, shown, response.status);
  };
  const maxSamples = options.maxSamples ?? defaultMaxSamples;

  return {
    async queryRange(expr, startMs, endMs, stepMs, onChunk) {
      const merged = new Map<string, { labels: Readonly<Record<string, string>>; times: number[] }>();
      let samples = 0;
      for (const [from, to] of chunksOf(startMs, endMs, stepMs, maxPoints)) {
        for (const series of await one(expr, from, to, stepMs)) {
          const key = labelKey(series.labels);
          const found = merged.get(key) ?? { labels: series.labels, times: [] };
          samples += series.times.length;
          if (samples > maxSamples)
            throw new DashboardError(
              "--range",
              `the engine's answers to one query hold more than ${maxSamples.toLocaleString("en")} samples (${merged.size.toLocaleString("en")} series and more), more than tune keeps in memory`,
              "shorten --range, or select fewer targets in the values file",
            );
          // a loop, not push(...times): spreading a long list overflows the stack
          for (const time of series.times) found.times.push(time);
          merged.set(key, found);
        }
        onChunk?.();
      }
      return [...merged.values()];
    },
  };
}

/** A label set as one string, the same for the same labels in any order. */
export const labelKey = (labels: Readonly<Record<string, string>>) =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

const readBounded = (response: Response, shown: string, limits: ReadLimits): Promise<string> =>
  readBody(response, shown, limits, "raise --max-size, or lower --max-points to ask for less at once");
