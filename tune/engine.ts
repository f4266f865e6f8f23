// Range queries against the admin's Prometheus or VictoriaMetrics, within the engines' limits: a long range
// is cut into chunks of at most `maxPoints` steps (Prometheus refuses a query of over 11,000 points), and
// every answer is bounded in size and time like every input of `check` (io/sources.ts).
import { DashboardError } from "../errors";
import { plainHttpWarning, send } from "../io/http";
import { printable } from "../io/printable";
import { type ReadLimits, readToken, redactUrl, whyFailed } from "../io/sources";

/** Prometheus' own limit is 11,000 points a series; stay under it with room to spare. */
export const defaultMaxPoints = 10_000;

export interface EngineOptions extends ReadLimits {
  readonly url: string;
  readonly tokenFile?: string;
  readonly warn: (line: string) => void;
  /** Steps per query at most. */
  readonly maxPoints?: number;
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

interface PrometheusAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
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
    let answer: PrometheusAnswer;
    try {
      answer = JSON.parse(text) as PrometheusAnswer;
    } catch {
      throw new DashboardError(
        shown,
        `HTTP ${response.status}: not a Prometheus API answer`,
        "is this the engine's base URL?",
      );
    }
    if (response.status === 401 || response.status === 403)
      throw new DashboardError(shown, `HTTP ${response.status}: the engine refused the request`, "check --token-file");
    if (answer.status !== "success" || !answer.data)
      throw new DashboardError(
        shown,
        `the engine refused a query: ${answer.error === undefined ? `HTTP ${response.status}` : printable(String(answer.error))}`,
      );
    return answer.data.result.map(({ metric, values }) => ({
      labels: metric,
      times: values.filter(([, value]) => !Number.isNaN(Number(value))).map(([at]) => Math.round(at * 1000)),
    }));
  };

  return {
    async queryRange(expr, startMs, endMs, stepMs, onChunk) {
      const merged = new Map<string, { labels: Record<string, string>; times: number[] }>();
      for (const [from, to] of chunksOf(startMs, endMs, stepMs, maxPoints)) {
        for (const series of await one(expr, from, to, stepMs)) {
          const key = labelKey(series.labels);
          const found = merged.get(key) ?? { labels: series.labels, times: [] };
          found.times.push(...series.times);
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

async function readBounded(response: Response, shown: string, limits: ReadLimits): Promise<string> {
  const tooLarge = () =>
    new DashboardError(
      shown,
      `an answer larger than the ${limits.maxBytes / 1024 / 1024} MiB limit; stopped reading`,
      "raise --max-size, or lower --max-points to ask for less at once",
    );
  if (Number(response.headers.get("content-length")) > limits.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return "";
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > limits.maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge();
      }
      parts.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof DashboardError) throw error;
    throw new DashboardError(shown, `reading the answer failed: ${whyFailed(error, limits.timeoutSeconds)}`);
  }
  return Buffer.concat(parts).toString("utf8");
}
