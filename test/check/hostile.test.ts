// check's reads are capped, secrets never printed, every failure named for what it is.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import type { AddressInfo } from "node:net";

import { readTelemetry } from "../../check/telemetry";
import { cliPath } from "../support/build";
import { expositionFrom, runCheckInProcess, telemetryEx, variant, writeFixture } from "./fixtures";

const exposition = expositionFrom(readTelemetry(telemetryEx, "telemetry.ex"));
const secret = "s3cret-admin-metrics-token";

const tokenFile = (text: string, mode = 0o600) => {
  const path = writeFixture("token", text);
  chmodSync(path, mode);
  return path;
};

/** The real CLI in a child process, its peak resident memory sampled from /proc while it runs. */
function runChild(
  args: string[],
  input?: string,
): Promise<{ status: number | null; stderr: string; stdout: string; peakKiB: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, ...args], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    let stdout = "";
    let peakKiB = 0;
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const sample = setInterval(() => {
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
        peakKiB = Math.max(peakKiB, Number(hwm?.[1] ?? 0));
      } catch {
        // the child has exited
      }
    }, 20);
    child.on("close", (status) => {
      clearInterval(sample);
      resolve({ status, stderr, stdout, peakKiB });
    });
    child.stdin.end(input ?? "");
  });
}

describe("check --metrics URL against a hostile or slow server", () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.startsWith("/endless")) {
        response.writeHead(200, { "content-type": "text/plain" });
        const line = Buffer.from(`${"x".repeat(1000)} 1\n`.repeat(64));
        const pump = () => {
          while (response.write(line));
        };
        response.on("drain", pump);
        pump();
      } else if (request.url?.startsWith("/stall")) {
        response.writeHead(200, { "content-type": "text/plain" });
        response.write("up 1\n"); // then nothing more
      } else if (request.url?.startsWith("/silent")) {
        // no answer at all, not even headers: a slow server, not an unreachable one
      } else if (request.url?.startsWith("/ok")) {
        response.writeHead(200, { "content-type": "text/plain" }).end(exposition);
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test("an endless body stops at the size cap: one line naming the URL (redacted) and the limit, memory stays low", async () => {
    const result = await runChild(["check", "--metrics", `${base}/endless?access_token=${secret}`, "--max-size", "2"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      `akkoma-dashboards: ${base}/endless?access_token=REDACTED: larger than the 2 MiB limit; stopped reading ` +
        "(an Akkoma exposition is far smaller; raise the limit with --max-size MIB if this one is real)\n",
    );
    expect(result.peakKiB).toBeGreaterThan(0);
    expect(result.peakKiB).toBeLessThan(200 * 1024);
  }, 20_000);

  test("the default cap holds too", async () => {
    const result = await runChild(["check", "--metrics", `${base}/endless`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/larger than the 16 MiB limit; stopped reading/);
    expect(result.peakKiB).toBeLessThan(250 * 1024);
  }, 20_000);

  test("a body that stalls: said to have timed out as a silent server is, naming the URL", async () => {
    const result = await runCheckInProcess(["check", "--metrics", `${base}/stall`, "--timeout", "0.5"]);
    expect(result.err).toEqual([
      `akkoma-dashboards: ${base}/stall: timed out after 0.5 s with no complete answer (raise --timeout if it is slow)`,
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("a server that does not answer in time: said to have timed out, not to be unreachable", async () => {
    const result = await runCheckInProcess(["check", "--metrics", `${base}/silent`, "--timeout", "0.5"]);
    expect(result.err).toEqual([
      `akkoma-dashboards: ${base}/silent: timed out after 0.5 s with no complete answer (raise --timeout if it is slow)`,
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("a token in the query string is redacted in every line, the ok line included", async () => {
    const result = await runCheckInProcess(["check", "--metrics", `${base}/ok?access_token=${secret}&x=1#frag`]);
    expect(result.out).toEqual([expect.stringMatching(/^ok: .*\/ok\?access_token=REDACTED&x=REDACTED exports all/)]);
    expect(result.exitCode).toBe(0);
    const failed = await runCheckInProcess(["check", "--metrics", `${base}/missing?access_token=${secret}`]);
    expect(failed.err).toEqual([expect.stringMatching(/\/missing\?access_token=REDACTED: HTTP 404/)]);
    expect([...result.out, ...result.err, ...failed.out, ...failed.err].join("\n")).not.toContain(secret);
  });

  test("user:password in the URL is refused, and never printed", async () => {
    const result = await runCheckInProcess(["check", "--metrics", `http://admin:${secret}@127.0.0.1:9/m`]);
    expect(result.err).toEqual([
      "akkoma-dashboards: http://REDACTED@127.0.0.1:9/m: credentials in the URL are not supported (put an access token in --token-file)",
    ]);
    expect(result.exitCode).toBe(2);
  });

  test("a token file others may read: a warning, never an error", async () => {
    const loose = tokenFile(secret, 0o644);
    const result = await runCheckInProcess(["check", "--metrics", `${base}/ok`, "--token-file", loose]);
    expect(result.err).toEqual([
      `akkoma-dashboards: warning: ${loose}: permissions 0644 let others read the token (chmod 600 ${loose})`,
    ]);
    expect(result.exitCode).toBe(0);
    const tight = await runCheckInProcess(["check", "--metrics", `${base}/ok`, "--token-file", tokenFile(secret)]);
    expect(tight.err).toEqual([]);
  });

  test("a token with a control character: the token file is malformed", async () => {
    const path = tokenFile(`abc\u0001def`);
    const result = await runCheckInProcess(["check", "--metrics", `${base}/ok`, "--token-file", path]);
    expect(result.err).toEqual([
      `akkoma-dashboards: ${path}: malformed token file: it holds a control character (it must hold only the access token)`,
    ]);
    expect(result.exitCode).toBe(2);
  });
});

describe("check reading standard input", () => {
  test("--metrics - reads the scrape from standard input", async () => {
    const result = await runChild(["check", "--metrics", "-"], exposition);
    // the real dashboard reads more than the fixture exports: what matters is that the scrape was read
    expect(result.stdout).toMatch(/\nFAIL: standard input: \d+ of \d+ series not exported: .*\n$/);
    expect(result.status).toBe(1);
  });

  test("--telemetry - reads telemetry.ex from standard input", () => {
    const result = spawnSync(process.execPath, [cliPath, "check", "--telemetry", "-"], {
      input: "defmodule A do\n  def m, do: [\nend\n",
      encoding: "utf8",
    });
    expect(result.stderr).toMatch(
      /^akkoma-dashboards: standard input:3:1: syntax error: unexpected "end": the "\[" at line 2:14 is still open/,
    );
    expect(result.status).toBe(2);
  });
});

describe("broken or foreign Elixir is named for what it is", () => {
  const check = (source: string) => runCheckInProcess(["check", "--telemetry", writeFixture("telemetry.ex", source)]);

  test.each([
    [
      "a missing end",
      variant("  defp histograms do\n", "  defp histograms do\n    if true do\n"),
      /:\d+:\d+: syntax error: "do" is never closed \(missing "end"\)$/,
    ],
    [
      "an unclosed [[[",
      variant('      distribution("pleroma.repo', '      [[[distribution("pleroma.repo'),
      /:\d+:\d+: syntax error: unexpected "end": the "\[" at line \d+:\d+ is still open \(missing "\]"\)$/,
    ],
    [
      "1,000 nested do blocks",
      `defmodule A do\n  import Telemetry.Metrics\n  def m do\n${"if x do\n".repeat(1000)}[]\n${"end\n".repeat(1000)}  end\nend\n`,
      /:\d+:\d+: syntax error: nests deeper than 200 brackets and do-blocks$/,
    ],
    [
      "1,250 nested brackets",
      `defmodule A do\n  import Telemetry.Metrics\n  def m, do: ${"[".repeat(1250)}${"]".repeat(1250)}\nend\n`,
      /:3:\d+: syntax error: nests deeper than 200 brackets and do-blocks$/,
    ],
    [
      "a chain of 5,000 ++",
      `defmodule A do\n  import Telemetry.Metrics\n  def m, do: []${" ++ []".repeat(5000)}\nend\n`,
      /:3:\d+: syntax error: an expression nests deeper than 800 levels$/,
    ],
    ["a byte-order mark", `\ufeff${telemetryEx}`, /:1:1: syntax error: unexpected character U\+FEFF byte-order mark$/],
    [
      "an Ecto module that is not telemetry.ex",
      "defmodule Fixture.CounterCache do\n  import Ecto.Query\n\n  def total do\n    from(c in __MODULE__, select: sum(c.count)) |> Repo.one()\n  end\nend\n",
      /: no metric definitions found .*\(--telemetry expects Akkoma's lib\/pleroma\/web\/telemetry\.ex\)$/,
    ],
  ])("%s: one line, exit 2", async (_, source, message) => {
    const result = await check(source);
    expect(result.out).toEqual([]);
    expect(result.err).toEqual([expect.stringMatching(message)]);
    expect(result.exitCode).toBe(2);
  });

  test("tags it cannot evaluate: cannot verify statically, with the line", async () => {
    const result = await check(variant("tags: [:queue_name]", "tags: Config.get(:queue_tags)"));
    expect(result.out).toContainEqual(
      expect.stringMatching(
        /^akkoma_job_queue_available: cannot verify statically: labels "queue_name": .*telemetry\.ex:\d+: /,
      ),
    );
    expect(result.exitCode).toBe(1);
  });
});

describe("a scrape with a byte-order mark", () => {
  test("names it instead of printing it", async () => {
    const result = await runCheckInProcess(["check", "--metrics", writeFixture("scrape.txt", `\ufeff${exposition}`)]);
    expect(result.err).toEqual([expect.stringMatching(/scrape\.txt:1: .*starts with a U\+FEFF byte-order mark/)]);
    expect(result.err.join("")).not.toContain("\ufeff");
    expect(result.exitCode).toBe(2);
  });
});
