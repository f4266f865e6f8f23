// How tune moves an alert through its states (Prometheus' rule manager), cuts long ranges for the engine,
// counts flaps, and talks to an engine: checked without engines, against a loopback stand-in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardError } from "../../errors";
import { chunksOf, rangeClient } from "../../tune/engine";
import { firingPeriods, firingPeriodsOnGrid } from "../../tune/replay";
import { replayedRules } from "../../tune/rules";
import { reportLines } from "../../tune/report";
import { summarise, tune } from "../../tune/tune";
import { runCli } from "../support/build";
import { allowedRatio, growth } from "../support/linear-time";

const minute = 60_000;
const grid = (minutes: number) => Array.from({ length: minutes }, (_, m) => m * minute);
const at = (...minutes: number[]) => new Set(minutes.map((m) => m * minute));
const span = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

describe("firing periods", () => {
  it("fires once the expression has held for `for`, and resolves at the first evaluation without it", () => {
    const periods = firingPeriods(grid(30), at(...span(5, 15)), { forMs: 3 * minute, keepFiringForMs: 0 });
    expect(periods).toEqual([{ startMs: 8 * minute, endMs: 15 * minute, ongoing: false }]);
  });

  it("never fires when the expression breaks off before `for`, and starts pending again afterwards", () => {
    const returned = at(...span(0, 4), ...span(5, 9));
    expect(firingPeriods(grid(20), returned, { forMs: 4 * minute, keepFiringForMs: 0 })).toEqual([]);
    expect(firingPeriods(grid(20), returned, { forMs: 3 * minute, keepFiringForMs: 0 })).toEqual([
      { startMs: 3 * minute, endMs: 4 * minute, ongoing: false },
      { startMs: 8 * minute, endMs: 9 * minute, ongoing: false },
    ]);
  });

  it("fires at the first evaluation without `for`", () => {
    expect(firingPeriods(grid(5), at(2), { forMs: 0, keepFiringForMs: 0 })).toEqual([
      { startMs: 2 * minute, endMs: 3 * minute, ongoing: false },
    ]);
  });

  it("keeps firing for keep_firing_for after the expression stops, through a short gap", () => {
    const returned = at(...span(2, 5), 7, 8);
    expect(firingPeriods(grid(20), returned, { forMs: 0, keepFiringForMs: 3 * minute })).toEqual([
      { startMs: 2 * minute, endMs: 12 * minute, ongoing: false },
    ]);
  });

  it("marks a firing still going at the range's end, ending one step past it", () => {
    expect(firingPeriods(grid(10), at(...span(6, 10)), { forMs: 0, keepFiringForMs: 0 })).toEqual([
      { startMs: 6 * minute, endMs: 10 * minute, ongoing: true },
    ]);
  });

  it("walking only the returned times gives what walking every evaluation gives", () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 2_000; round++) {
      const count = Math.floor(random() * 40);
      const density = random();
      const returned = span(0, count).filter(() => random() < density);
      const timing = { forMs: Math.floor(random() * 6) * minute, keepFiringForMs: Math.floor(random() * 6) * minute };
      const stepwise = firingPeriods(grid(count), at(...returned), timing);
      const walked = firingPeriodsOnGrid(
        { first: 0, intervalMs: minute, count },
        returned.map((m) => m * minute),
        timing,
      );
      expect({ count, returned, timing, periods: walked }).toEqual({ count, returned, timing, periods: stepwise });
    }
  });

  it("counts a firing within an hour of the same series' last as a flap, per alert and instance", () => {
    const rule = replayedRules().find((r) => r.alert === "AkkomaDown")!;
    const labels = (instance: string) => ({ instance, job: "akkoma", severity: "critical" });
    const firing = (instance: string, from: number, to: number) => ({
      startMs: from * minute,
      endMs: to * minute,
      ongoing: false,
      labels: labels(instance),
    });
    const [a, b] = summarise(rule, [firing("a", 0, 10), firing("a", 50, 60), firing("a", 200, 230), firing("b", 5, 6)]);
    expect(a).toMatchObject({ instance: "a", firings: 3, flaps: 1, firingMs: 50 * minute, longestMs: 30 * minute });
    expect(b).toMatchObject({ instance: "b", firings: 1, flaps: 0 });
    expect(summarise(rule, [])).toEqual([expect.objectContaining({ alert: "AkkomaDown", firings: 0 })]);
  });
});

describe("a replay takes time linear in what the engine returned", () => {
  // An alert as it would be without `for`: each returned time fires it.
  const rule = { ...replayedRules()[0]!, forMs: 0 };
  const timing = { forMs: 0, keepFiringForMs: 0 };
  // every other evaluation returned: as many firings as returned times, all on one instance
  const replay = (input: string) => {
    const returned = Array.from({ length: input.length }, (_, k) => 2 * k * minute);
    const grid = { first: 0, intervalMs: minute, count: 2 * input.length };
    const labels = { instance: "a" };
    return summarise(
      rule,
      firingPeriodsOnGrid(grid, returned, timing).map((period) => ({ ...period, labels })),
    );
  };
  it("one instance firing at every other evaluation", async () => {
    expect(await growth((n) => "x".repeat(n), replay, 2_000)).toBeLessThan(allowedRatio);
  }, 60_000);
});

it("cuts a range into chunks of at most the points allowed, covering every step once", () => {
  for (const [points, max] of [
    [43_201, 10_000],
    [10_000, 10_000],
    [10_001, 10_000],
    [1, 10_000],
    [7, 2],
  ] as const) {
    const chunks = chunksOf(0, (points - 1) * minute, minute, max);
    const steps = chunks.flatMap(([from, to]) => span(from / minute, to / minute + 1));
    expect(steps).toEqual(span(0, points));
    for (const [from, to] of chunks) expect((to - from) / minute + 1).toBeLessThanOrEqual(max);
  }
});

/** A range query's answer: these series, each returned at these times (ms). */
const matrix = (series: { labels: Record<string, string>; times: number[] }[]) =>
  JSON.stringify({
    status: "success",
    data: {
      resultType: "matrix",
      result: series.map(({ labels, times }) => ({ metric: labels, values: times.map((t) => [t / 1000, "1"]) })),
    },
  });

interface Asked {
  readonly query: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly stepMs: number;
}

/** The target's `up` from `sinceMs` on, every step of the query; nothing else returns anything. */
const historySince =
  (sinceMs: number) =>
  ({ query, startMs, endMs, stepMs }: Asked): string => {
    if (!query.startsWith("count(up{")) return matrix([]);
    const times: number[] = [];
    for (let t = startMs; t <= endMs; t += stepMs) if (t >= sinceMs) times.push(t);
    return matrix(times.length > 0 ? [{ labels: {}, times }] : []);
  };

describe("against a loopback engine", () => {
  let server: Server;
  let url = "";
  const asked: { points: number; query: string; authorization?: string }[] = [];
  const everything = historySince(0);
  let answer: (asked: Asked) => string = everything;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const form = new URLSearchParams(body);
        const [startMs, endMs] = [Number(form.get("start")) * 1000, Number(form.get("end")) * 1000];
        const stepMs = Number(form.get("step")?.replace("s", "")) * 1000;
        const query = form.get("query") ?? "";
        asked.push({ points: (endMs - startMs) / stepMs + 1, query, authorization: request.headers.authorization });
        response.writeHead(200, { "Content-Type": "application/json" }).end(answer({ query, startMs, endMs, stepMs }));
      });
    });
    // a client busy reading 200,000 series may come back to a kept-alive socket later than Node's 5 s
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => (asked.length = 0));

  it("replays 30 days in queries of at most 10,000 points, with the token as a bearer", async () => {
    const folder = mkdtempSync(join(tmpdir(), "akkoma-tune-token-"));
    try {
      writeFileSync(join(folder, "token"), "s3cret\n", { mode: 0o600 });
      const client = await rangeClient({
        url,
        tokenFile: join(folder, "token"),
        warn: () => undefined,
        maxBytes: 1 << 20,
        timeoutSeconds: 5,
      });
      const endMs = Date.UTC(2026, 0, 31);
      const progress: number[] = [];
      const report = await tune({
        client,
        range: { startMs: endMs - 30 * 86_400_000, endMs },
        progress: (done) => progress.push(done),
      });
      // each alert's query, and first the target's history
      const queries = replayedRules().length + 1;
      expect(asked).toHaveLength(queries * 5);
      expect(Math.max(...asked.map((q) => q.points))).toBeLessThanOrEqual(10_000);
      expect(asked.reduce((sum, q) => sum + q.points, 0)).toBe(queries * (30 * 1440 + 1));
      expect(new Set(asked.map((q) => q.authorization))).toEqual(new Set(["Bearer s3cret"]));
      expect(progress).toEqual(Array.from({ length: queries * 5 }, (_, k) => k + 1));
      expect(report.alerts.every((alert) => alert.firings === 0)).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("stops reading an answer past the size cap, naming the engine", async () => {
    answer = () => " ".repeat(2 << 20);
    try {
      const client = await rangeClient({ url, warn: () => undefined, maxBytes: 1 << 20, timeoutSeconds: 5 });
      await expect(client.queryRange("up", 0, 60_000, 60_000)).rejects.toThrow(DashboardError);
      await expect(client.queryRange("up", 0, 60_000, 60_000)).rejects.toThrow(/larger than the 1 MiB limit/);
    } finally {
      answer = everything;
    }
  });

  it("names a query the engine refuses", async () => {
    answer = () => JSON.stringify({ status: "error", errorType: "bad_data", error: "exceeded maximum resolution" });
    try {
      const client = await rangeClient({ url, warn: () => undefined, maxBytes: 1 << 20, timeoutSeconds: 5 });
      await expect(client.queryRange("up", 0, 60_000, 60_000)).rejects.toThrow(/exceeded maximum resolution/);
    } finally {
      answer = everything;
    }
  });

  const client = () => rangeClient({ url, warn: () => undefined, maxBytes: 16 << 20, timeoutSeconds: 5 });

  it.each([
    ["an array", "[]", /not a JSON object/],
    ["no data", '{"status":"success"}', /"data" is not an object/],
    ["a vector", '{"status":"success","data":{"resultType":"vector","result":[]}}', /"data.resultType" is "vector"/],
    [
      "a result object",
      '{"status":"success","data":{"resultType":"matrix","result":{}}}',
      /"data.result" is not a list/,
    ],
    [
      "a number for a value",
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"],[2,3]]}]}}',
      /"data.result\[0\].values\[1\]" is not a \[time, "value"\] pair/,
    ],
    [
      "a label that is no string",
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"job":1},"values":[]}]}}',
      /"data.result\[0\].metric.job" is not a string/,
    ],
  ])("valid JSON of another shape (%s) is bad input naming what is wrong", async (_, body, message) => {
    answer = () => body;
    try {
      const error = await (await client()).queryRange("up", 0, 60_000, 60_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DashboardError);
      expect((error as DashboardError).message).toMatch(/not a Prometheus range query answer/);
      expect((error as DashboardError).message).toMatch(message);
    } finally {
      answer = everything;
    }
  });

  it("one alert firing on 200,000 instances: each reported", async () => {
    const endMs = Date.UTC(2026, 0, 31);
    // the alert with the shortest `for`: true at every evaluation through it fires it
    const { expr, alert, forMs, intervalMs } = replayedRules().reduce((a, b) => (b.forMs < a.forMs ? b : a));
    const times = Array.from({ length: forMs / intervalMs + 1 }, (_, k) => endMs - forMs + k * intervalMs);
    const instances = Array.from({ length: 200_000 }, (_, i) => ({ labels: { instance: `i${i}` }, times }));
    answer = (query) => (query.query === expr ? matrix(instances) : everything(query));
    try {
      // three evaluations of 200,000 series: more than the default 16 MiB an answer
      const large = await rangeClient({ url, warn: () => undefined, maxBytes: 64 << 20, timeoutSeconds: 30 });
      const report = await tune({ client: large, range: { startMs: endMs - 3_600_000, endMs } });
      expect(report.alerts.filter((history) => history.alert === alert && history.firings === 1)).toHaveLength(200_000);
    } finally {
      answer = everything;
    }
  }, 60_000);

  it("an answer of more samples than tune keeps in memory is refused, naming --range", async () => {
    const small = await rangeClient({
      url,
      warn: () => undefined,
      maxBytes: 1 << 20,
      timeoutSeconds: 5,
      maxSamples: 10,
    });
    await expect(small.queryRange('count(up{job="akkoma"})', 0, 60 * minute, minute)).rejects.toThrow(
      /^--range: the engine's answers to one query hold more than 10 samples/,
    );
  });

  describe("history shorter than the range", () => {
    const endMs = Date.UTC(2026, 0, 31);
    const range = { startMs: endMs - 30 * 86_400_000, endMs };
    const firstSample = endMs - 6 * 3_600_000;
    beforeEach(() => {
      // absent(up) returns where up has no sample: before the engine's history begins
      const since = historySince(firstSample);
      answer = (query) => {
        if (!query.query.startsWith("absent(")) return since(query);
        const times: number[] = [];
        for (let t = query.startMs; t <= query.endMs; t += query.stepMs) if (t < firstSample) times.push(t);
        return matrix(times.length > 0 ? [{ labels: { job: "akkoma" }, times }] : []);
      };
    });
    afterEach(() => (answer = everything));

    it("is replayed from the first sample on: no missing target before it, and says so", async () => {
      const report = await tune({ client: await client(), range });
      expect(report.range).toEqual({ startMs: firstSample, endMs });
      expect(report.alerts.find((alert) => alert.alert === "AkkomaTargetMissing")?.firings).toBe(0);
      expect(reportLines(report)[0]).toBe(
        'note: the engine holds up{job="akkoma"} only from 2026-01-30T18:00Z on: replayed 6h of the 30d asked for',
      );
    });

    it("a rate over hours is not projected to a week", async () => {
      const report = await tune({ client: await client(), range });
      const fired = { ...report.alerts[0]!, firings: 24, firingMs: 60_000, longestMs: 60_000 };
      expect(reportLines({ ...report, alerts: [fired] })).toContainEqual(
        expect.stringMatching(/fired 24 time\(s\) \(in 6h, too short to say how often a week\)/),
      );
    });

    it("a range before any sample is refused, naming it", async () => {
      const early = { startMs: Date.UTC(2019, 0, 1), endMs: Date.UTC(2019, 0, 31) };
      await expect(tune({ client: await client(), range: early })).rejects.toThrow(
        /^--range: the engine holds no sample of up\{job="akkoma"\} from 2019-01-01T00:00Z to 2019-01-31T00:00Z/,
      );
    });
  });

  it("a range of more evaluations than tune replays at once is refused before any query", async () => {
    const endMs = Date.UTC(2026, 0, 31);
    const error = await tune({
      client: await client(),
      range: { startMs: endMs - 100 * 365 * 86_400_000, endMs },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DashboardError);
    expect((error as DashboardError).message).toMatch(/^--range: 36500d is 52,560,001 evaluations of AkkomaDown/);
    expect(asked).toEqual([]);
  });
});

describe("an engine that does not answer in time", () => {
  let server: Server;
  const sockets = new Set<import("node:net").Socket>();
  beforeAll(async () => {
    server = createServer(() => undefined);
    server.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("is said to have timed out after the seconds given, not to be unreachable", async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = await rangeClient({ url, warn: () => undefined, maxBytes: 1 << 20, timeoutSeconds: 1 });
    await expect(client.queryRange("up", 0, 60_000, 60_000)).rejects.toThrow(
      /: timed out after 1 s with no complete answer \(raise --timeout if it is slow\)$/,
    );
  });
});

describe("the tune command refuses bad input in one line, exit 2", () => {
  it.each([
    [["--max-points", "20000"], "--max-points"],
    [["--range", "a month"], "--range"],
    [["--end", "yesterday"], "--end"],
    [["--write-values", "x.yaml"], "--write-values"],
  ])("%j", (flags, culprit) => {
    const result = runCli(["tune", "--engine", "http://127.0.0.1:9", ...flags]);
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toContain(culprit);
  });

  it("an unreachable engine, its URL redacted", () => {
    const result = runCli(["tune", "--engine", "http://127.0.0.1:9/?token=secret", "--range", "1h", "--timeout", "5"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("unreachable");
    expect(result.stderr).not.toContain("secret");
  });
});
