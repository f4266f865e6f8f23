// How tune moves an alert through its states (Prometheus' rule manager), cuts long ranges for the engine,
// counts flaps, and talks to an engine: checked without engines, against a loopback stand-in.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardError } from "../../errors";
import { chunksOf, rangeClient } from "../../tune/engine";
import { durationMs, firingPeriods } from "../../tune/replay";
import { replayedRules } from "../../tune/rules";
import { summarise, tune } from "../../tune/tune";
import { runCli } from "../support/build";

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

it("reads Prometheus durations", () => {
  expect([durationMs("0"), durationMs("90s"), durationMs("1h30m"), durationMs("30d")]).toEqual([
    0,
    90_000,
    5_400_000,
    30 * 86_400_000,
  ]);
  expect(() => durationMs("1hour")).toThrow();
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

describe("against a loopback engine", () => {
  let server: Server;
  let url = "";
  const asked: { points: number; authorization?: string }[] = [];
  let answer = (_points: number) => JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } });

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => (body += chunk.toString()));
      request.on("end", () => {
        const form = new URLSearchParams(body);
        const points =
          (Number(form.get("end")) - Number(form.get("start"))) / Number(form.get("step")?.replace("s", "")) + 1;
        asked.push({ points, authorization: request.headers.authorization });
        response.writeHead(200, { "Content-Type": "application/json" }).end(answer(points));
      });
    });
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
      const rules = replayedRules().length;
      expect(asked).toHaveLength(rules * 5);
      expect(Math.max(...asked.map((q) => q.points))).toBeLessThanOrEqual(10_000);
      expect(asked.reduce((sum, q) => sum + q.points, 0)).toBe(rules * (30 * 1440 + 1));
      expect(new Set(asked.map((q) => q.authorization))).toEqual(new Set(["Bearer s3cret"]));
      expect(progress).toEqual(Array.from({ length: rules * 5 }, (_, k) => k + 1));
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
      answer = () => JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } });
    }
  });

  it("names a query the engine refuses", async () => {
    answer = () => JSON.stringify({ status: "error", errorType: "bad_data", error: "exceeded maximum resolution" });
    try {
      const client = await rangeClient({ url, warn: () => undefined, maxBytes: 1 << 20, timeoutSeconds: 5 });
      await expect(client.queryRange("up", 0, 60_000, 60_000)).rejects.toThrow(/exceeded maximum resolution/);
    } finally {
      answer = () => JSON.stringify({ status: "success", data: { resultType: "matrix", result: [] } });
    }
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
