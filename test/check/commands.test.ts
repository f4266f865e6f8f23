import { chmodSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { readTelemetry } from "../../check/telemetry";
import { runCli } from "../support/build";
import { expositionFrom, lineOf, runCheckInProcess, telemetryEx, variant, writeFixture } from "./fixtures";

const todayExposition = expositionFrom(readTelemetry(telemetryEx, "telemetry.ex"));
const withoutSeries = (text: string, name: string) =>
  text
    .split("\n")
    .filter((line) => !line.startsWith(name) && !line.includes(` ${name} `))
    .join("\n");

describe("check --telemetry", () => {
  test("exit 0 when every series and label the dashboard reads is exported", async () => {
    const result = await runCheckInProcess(["check", "--telemetry", writeFixture("telemetry.ex", telemetryEx)]);
    expect(result.err).toEqual([]);
    expect(result.out).toEqual([
      expect.stringMatching(/^ok: .*telemetry\.ex exports all 11 series the dashboard reads, with their labels$/),
    ]);
    expect(result.exitCode).toBe(0);
  });

  test("exit 1 naming each vanished series or label and the panels it blanks", async () => {
    const source = variant(
      "tags: [:worker],",
      "",
      variant('"#{@prefix}.job.queue.available"', '"#{@prefix}.job.queue.pending"'),
    );
    const result = await runCheckInProcess(["check", "--telemetry", writeFixture("telemetry.ex", source)]);
    expect(result.out).toEqual([
      "akkoma_job_queue_available: not exported (panels: Pending Jobs)",
      'oban_job_completion_count: label "worker" not exported (panels: Job Completions)',
      expect.stringMatching(
        /^FAIL: .*telemetry\.ex: 1 of 11 series not exported, 1 label problem: 2 of 9 in the dashboard would go blank or silent: panel "Pending Jobs", panel "Job Completions"$/,
      ),
    ]);
    expect(result.exitCode).toBe(1);
  });

  test("a summary in place of a sum/count pair: the hint points at it", async () => {
    const source = variant(
      'pair("vm.memory.total", event_name: [:vm, :memory], measurement: :total) ++',
      '[summary("vm.memory.total")] ++',
    );
    const path = writeFixture("telemetry.ex", source);
    const result = await runCheckInProcess(["check", "--telemetry", path]);
    expect(result.out[0]).toBe(
      `vm_memory_total_psum: not exported (panels: BEAM System Load) [${path}:${lineOf(source, "[summary(")} defines it as a summary, which the exporter drops]`,
    );
    expect(result.exitCode).toBe(1);
  });

  test("a definition it cannot understand is a warning with file and line", async () => {
    const source = variant('last_value("pleroma.local_users.total"),', "last_value(users_metric_name()),");
    const path = writeFixture("telemetry.ex", source);
    const result = await runCheckInProcess(["check", "--telemetry", path]);
    const line = lineOf(source, "users_metric_name()");
    expect(result.out).toContain(
      `${path}:${line}: warning: cannot evaluate the name of this last_value: users_metric_name/0 is not defined in this file (line ${line})`,
    );
    // the missing series may be the one whose name could not be evaluated: not "not exported"
    expect(result.out).toContain(
      `pleroma_local_users_total: cannot verify statically: not found, and ${path}:${line} could not be evaluated (panels: Local Resources)`,
    );
    expect(result.out[result.out.length - 1]).toMatch(/: 1 cannot be verified statically: .*panel "Local Resources"$/);
    expect(result.exitCode).toBe(1);
  });

  test.each([
    [
      "a missing file",
      () => "/nonexistent/telemetry.ex",
      /^akkoma-dashboards: \/nonexistent\/telemetry\.ex: no such file/,
    ],
    ["a directory", () => writeFixture("x", "").replace(/\/x$/, ""), /: is a directory, not a file/],
    [
      "a file that is not telemetry.ex",
      () => writeFixture("mix.exs", "defmodule Mix do\n  def project, do: []\nend\n"),
      /: no metric definitions found/,
    ],
  ])("exit 2 and one error line for %s", async (_, path, message) => {
    const result = await runCheckInProcess(["check", "--telemetry", path()]);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([expect.stringMatching(message)]);
    expect(result.exitCode).toBe(2);
  });
});

describe("check without a source, or with --list", () => {
  test("no source: explains what to pass, exit 2", async () => {
    const result = await runCheckInProcess(["check"]);
    expect(result.err).toEqual([expect.stringContaining("pass --telemetry PATH")]);
    expect(result.exitCode).toBe(2);
  });

  test("--token-file without a URL: exit 2", async () => {
    const result = await runCheckInProcess([
      "check",
      "--metrics",
      writeFixture("scrape.txt", todayExposition),
      "--token-file",
      "t",
    ]);
    expect(result.err).toEqual(["akkoma-dashboards: --token-file: only used with --metrics URL"]);
    expect(result.exitCode).toBe(2);
  });

  test("metrics --json and check --list print the series, labels and panels", async () => {
    const json = await runCheckInProcess(["metrics", "--json"]);
    const parsed = JSON.parse(json.out.join("\n")) as {
      series: Record<string, unknown>[];
    };
    const failures = parsed.series.find((s) => s.series === "akkoma_ap_delivery_fail_final");
    // The keys scripts already read stay as they were; `help` came later, alongside them.
    expect(failures).toEqual({
      series: "akkoma_ap_delivery_fail_final",
      metric: "akkoma_ap_delivery_fail_final",
      kind: "counter",
      labels: ["target", "reason"],
      unit: "count",
      lazy: true,
      source: "akkoma",
      panels: ["Failed AP deliveries"],
      alerts: [],
      help: "failed deliveries",
    });
    const text = await runCheckInProcess(["check", "--list"]);
    expect(text.out).toContainEqual(
      expect.stringMatching(/^oban_job_completion_count +histogram; labels: worker {2}panels: Job Completions$/),
    );
    expect(text.out).toContainEqual(expect.stringMatching(/^up +gauge; written by the scraper {2}panels: Up$/));
    expect(text.exitCode).toBe(0);
  });
});

describe("check --metrics FILE", () => {
  test("exit 0 on an exposition generated from today's definitions", async () => {
    const result = await runCheckInProcess(["check", "--metrics", writeFixture("scrape.txt", todayExposition)]);
    expect(result.out).toEqual([expect.stringMatching(/^ok: .*scrape\.txt exports all 11 series/)]);
    expect(result.exitCode).toBe(0);
  });

  test("a lazy series not seen yet is a warning, not a failure", async () => {
    const scrape = withoutSeries(todayExposition, "akkoma_ap_delivery_fail_final");
    const result = await runCheckInProcess(["check", "--metrics", writeFixture("scrape.txt", scrape)]);
    expect(result.out).toEqual([
      "warning: akkoma_ap_delivery_fail_final: not seen yet (lazy: appears after its first event) (panels: Failed AP deliveries)",
      expect.stringMatching(/^ok: .* \(1 lazy series not seen yet\)$/),
    ]);
    expect(result.exitCode).toBe(0);
  });

  test("a missing series that is not lazy: exit 1", async () => {
    const scrape = withoutSeries(todayExposition, "akkoma_job_queue_available");
    const result = await runCheckInProcess(["check", "--metrics", writeFixture("scrape.txt", scrape)]);
    expect(result.out[0]).toBe("akkoma_job_queue_available: not exported (panels: Pending Jobs)");
    expect(result.exitCode).toBe(1);
  });

  test("a file that is not an exposition: exit 2", async () => {
    const result = await runCheckInProcess(["check", "--metrics", writeFixture("telemetry.ex", telemetryEx)]);
    expect(result.err).toEqual([expect.stringMatching(/telemetry\.ex:1: not a Prometheus text exposition/)]);
    expect(result.exitCode).toBe(2);
  });

  test("--telemetry and --metrics together: both are checked, the worse result wins", async () => {
    const result = await runCheckInProcess([
      "check",
      "--telemetry",
      writeFixture("telemetry.ex", telemetryEx),
      "--metrics",
      writeFixture("scrape.txt", withoutSeries(todayExposition, "pleroma_local_users_total")),
    ]);
    expect(result.out).toEqual([
      expect.stringMatching(/^ok: .*telemetry\.ex exports all/),
      "pleroma_local_users_total: not exported (panels: Local Resources)",
      expect.stringMatching(
        /^FAIL: .*scrape\.txt: 1 of 11 series not exported: 1 of 9 in the dashboard would go blank/,
      ),
    ]);
    expect(result.exitCode).toBe(1);
  });
});

/** A token file as it should be: readable by its owner only. */
const tokenFixture = (text: string) => {
  const path = writeFixture("token", text);
  chmodSync(path, 0o600);
  return path;
};

describe("check --metrics URL", () => {
  const token = "s3cret-admin-metrics-token";
  let server: Server;
  let base: string;
  /** Checks the loopback instance with a token file holding `contents`. */
  const checkWithToken = async (contents: string) => {
    const tokenFile = tokenFixture(contents);
    const args = ["check", "--metrics", `${base}/api/v1/akkoma/metrics`, "--token-file", tokenFile];
    return { tokenFile, result: await runCheckInProcess(args) };
  };
  const seenAuthorization: (string | undefined)[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      seenAuthorization.push(request.headers.authorization);
      if (request.url !== "/api/v1/akkoma/metrics") {
        response.writeHead(404).end("Not Found");
      } else if (request.headers.authorization !== `Bearer ${token}`) {
        response
          .writeHead(403, { "content-type": "application/json" })
          .end('{"error":"Insufficient permissions: admin:metrics."}');
      } else {
        response.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(todayExposition);
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("sends the token from the file as a bearer token; exit 0", async () => {
    const { result } = await checkWithToken(`${token}\n`);
    expect(seenAuthorization[seenAuthorization.length - 1]).toBe(`Bearer ${token}`);
    expect(result.err).toEqual([]);
    expect(result.exitCode).toBe(0);
  });

  test("a token without the scope (403): exit 2, says which scope it needs, never prints the token", async () => {
    const { result } = await checkWithToken("wrong-token");
    expect(result.err).toEqual([
      `akkoma-dashboards: ${base}/api/v1/akkoma/metrics: HTTP 403: the instance refused the request (the token needs the admin:metrics scope)`,
    ]);
    expect(result.err.join("")).not.toContain("wrong-token");
    expect(result.exitCode).toBe(2);
  });

  test("404: exit 2, suggests export_prometheus_metrics may be off", async () => {
    const result = await runCheckInProcess(["check", "--metrics", `${base}/metrics`]);
    expect(result.err).toEqual([
      expect.stringMatching(/HTTP 404: no metrics here \(export_prometheus_metrics may be off/),
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("an empty token file: exit 2 naming the file", async () => {
    const { tokenFile, result } = await checkWithToken("\n");
    expect(result.err).toEqual([`akkoma-dashboards: ${tokenFile}: is empty (it must hold only the access token)`]);
    expect(result.exitCode).toBe(2);
  });

  test("an unreachable instance: exit 2", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await runCheckInProcess(["check", "--metrics", `http://127.0.0.1:${port}/api/v1/akkoma/metrics`]);
    expect(result.err).toEqual([
      `akkoma-dashboards: http://127.0.0.1:${port}/api/v1/akkoma/metrics: unreachable: ECONNREFUSED`,
    ]);
    expect(result.exitCode).toBe(2);
  });
});

describe("inputs over the size cap", () => {
  test.each([
    ["--dashboard", "dashboard.json", "a Grafana dashboard is rarely over a few MiB"],
    ["--rules", "rules.yml", "a rule file is rarely over a few MiB"],
  ])("%s: the hint says what the input is", async (flag, name, said) => {
    const big = writeFixture(name, " ".repeat(2 * 1024 * 1024));
    const telemetry = writeFixture("telemetry.ex", telemetryEx);
    const result = await runCheckInProcess(["check", flag, big, "--telemetry", telemetry, "--max-size", "1"]);
    expect(result.err).toEqual([
      `akkoma-dashboards: ${big}: larger than the 1 MiB limit; stopped reading (${said}; raise the limit with --max-size MIB if this one is real)`,
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("check --help names every input --max-size bounds", () => {
    const help = runCli(["check", "--help"]).stdout.replace(/\s+/g, " ");
    expect(help).toContain("--metrics, --telemetry, --dashboard, --rules and --token-file");
  });
});
