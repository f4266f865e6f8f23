// Every path by which text from outside (a foreign file, a server's answer) reaches the terminal, driven
// with escape sequences: the CLI's output holds no raw control but the newlines it prints between its own
// lines, and shows each one escaped.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateHistory } from "../../harness/synthetic";
import { telemetryEx, writeFixture } from "../check/fixtures";
import { type Run, runCliAsync } from "../setup/run";
import { type FakeAkkoma, startFakeAkkoma } from "../support/fake-akkoma";

jest.setTimeout(60_000);

// Clears the screen, then forges a line of ours; an OSC that retitles the terminal; an 8-bit CSI; a
// right-to-left override.
const clear = "\u001b[2J\nok: all fine";
const retitle = "\u001b]0;pwned\u0007";
const csi = "\u009b2J";
const bidi = "\u202eevil";

/** Raw controls but the newline, DEL, C1 controls, bidi overrides and isolates. */
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function expectEscaped(run: Run, ...shown: string[]): void {
  const printed = `${run.stdout}${run.stderr}`;
  expect(printed).not.toMatch(rawControl);
  // A forged line never starts a line of its own.
  expect(printed).not.toMatch(/^ok: all fine/m);
  for (const text of shown) expect(printed).toContain(text);
}

async function listen(handler: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => handler(request, body, response));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const stop = (server: Server) =>
  new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });

describe("check --dashboard and --rules: a foreign file's titles, names and queries", () => {
  const telemetry = () => writeFixture("telemetry.ex", telemetryEx);

  test("panel titles, variable and annotation names, queries and matchers", async () => {
    const dashboard = writeFixture(
      "evil.json",
      JSON.stringify({
        title: `Evil ${clear}`,
        panels: [
          { id: 1, type: "stat", title: `Title ${clear}`, targets: [{ expr: `missing_total{x="${clear}"}` }] },
          { id: 2, type: "stat", title: `Title ${retitle}${bidi}`, targets: [{ expr: `up{${csi}` }] },
          { id: 3, type: "stat", title: `Library ${csi}`, libraryPanel: { uid: `lib${clear}` } },
        ],
        templating: { list: [{ type: "query", name: `v${clear}`, query: `label_values(gone{a="${csi}"}, b)` }] },
        annotations: { list: [{ name: `note ${clear}`, expr: `gone_too{z="${bidi}"}` }] },
      }),
    );
    const run = await runCliAsync(["check", "--dashboard", dashboard, "--telemetry", telemetry()]);
    expect(run.status).toBe(1);
    expectEscaped(run, 'panel "Title \\x1b[2J\\nok: all fine"', "\\x1b]0;pwned\\x07\\u202eevil", "\\x9b2J");
  });

  test("alert and recording rule names and expressions", async () => {
    const rules = writeFixture(
      "evil.yml",
      JSON.stringify({
        groups: [
          {
            name: "g",
            rules: [
              { alert: `Alert ${clear}`, expr: `missing_total{x="${retitle}"} > 0` },
              { record: `record:${csi}`, expr: `gone_total{y="${bidi}"}` },
            ],
          },
        ],
      }),
    );
    const run = await runCliAsync(["check", "--rules", rules, "--telemetry", telemetry()]);
    expect(run.status).toBe(1);
    expectEscaped(run, 'alert "Alert \\x1b[2J\\nok: all fine"', 'recording rule "record:\\x9b2J"');
  });

  test("a dashboard that is not JSON, and rules that are not YAML: the parser's quote of the file", async () => {
    const notJson = writeFixture("broken.json", `{"title": ${clear}${csi}}`);
    const notYaml = writeFixture("broken.yml", `groups: "\\${clear}${csi}"`);
    const json = await runCliAsync(["check", "--dashboard", notJson, "--telemetry", telemetry()]);
    const yaml = await runCliAsync(["check", "--rules", notYaml, "--telemetry", telemetry()]);
    expect([json.status, yaml.status]).toEqual([2, 2]);
    expectEscaped(json, "not JSON");
    expectEscaped(yaml, "not YAML");
  });
});

describe("build --config: a values file", () => {
  test("the parser's quote of an invalid escape", async () => {
    const values = writeFixture("values.yaml", `title: "\\${clear}${csi}"\n`);
    const run = await runCliAsync(["build", "--config", values, "--out", `${values}.json`]);
    expect(run.status).toBe(2);
    expectEscaped(run, "not valid JSON or YAML at line 1: Invalid escape sequence \\\\x1b");
  });
});

describe("check --metrics URL: the server's status text", () => {
  test("a reason phrase with 8-bit controls", async () => {
    const { server, url } = await listen((_request, _body, response) => {
      // Node writes the phrase as Latin-1 bytes, fetch reads them as UTF-8: these are U+009B and U+0085.
      response.writeHead(500, "Broken \u00c2\u009b2J\u00c2\u0085").end();
    });
    try {
      const run = await runCliAsync(["check", "--metrics", `${url}/api/v1/akkoma/metrics`]);
      expect(run.status).toBe(2);
      expectEscaped(run, "HTTP 500 Broken \\x9b2J\\x85");
    } finally {
      await stop(server);
    }
  });
});

describe("tune: the engine's error text and label values", () => {
  /** An engine whose every query returns one series, present at every step: every alert fires throughout. */
  const firingEverywhere =
    (labels: Record<string, string>) => (_r: IncomingMessage, body: string, res: ServerResponse) => {
      const form = new URLSearchParams(body);
      const [start, end] = [Number(form.get("start")), Number(form.get("end"))];
      const step = Number.parseFloat(form.get("step") ?? "60");
      const values: [number, string][] = [];
      for (let at = start; at <= end; at += step) values.push([at, "1"]);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ status: "success", data: { resultType: "matrix", result: [{ metric: labels, values }] } }),
      );
    };

  test("an error with ESC and newlines", async () => {
    const { server, url } = await listen((_request, _body, response) => {
      response.writeHead(422, { "content-type": "application/json" });
      response.end(JSON.stringify({ status: "error", errorType: "bad_data", error: `parse error ${clear}${csi}` }));
    });
    try {
      const run = await runCliAsync(["tune", "--engine", url, "--range", "1h"]);
      expect(run.status).toBe(2);
      expectEscaped(run, "the engine refused a query: parse error \\x1b[2J\\nok: all fine\\x9b2J");
    } finally {
      await stop(server);
    }
  });

  test.each([
    ["text", []],
    ["JSON", ["--json"]],
  ])("label values in the %s report", async (_format, flags) => {
    const labels = { instance: `host ${clear}`, job: "akkoma", worker: `w${retitle}${bidi}`, queue: csi };
    const { server, url } = await listen(firingEverywhere(labels));
    try {
      const run = await runCliAsync(["tune", "--engine", url, "--range", "1h", ...flags]);
      expect(run.status).toBe(0);
      if (flags.length === 0) expectEscaped(run, "on host \\x1b[2J\\nok: all fine", "w\\x1b]0;pwned\\x07\\u202eevil");
      else {
        expectEscaped(run, "\\u009b2J", "\\u202eevil");
        // Still JSON, reading back the engine's own values.
        expect(JSON.parse(run.stdout).alerts.some((a: { instance?: string }) => a.instance === labels.instance)).toBe(
          true,
        );
      }
    } finally {
      await stop(server);
    }
  });
});

describe("setup: the instance's OAuth error and error_description", () => {
  let fake: FakeAkkoma;
  beforeAll(async () => {
    const history = generateHistory({
      seed: 3,
      hours: 2,
      outageStartsBeforeEndMs: 3_600_000,
      job: "akkoma",
      instance: "akkoma.test:443",
    });
    fake = await startFakeAkkoma({ history });
  });
  afterAll(() => fake.close());

  test("registration refused with escape sequences in both", async () => {
    fake.override = (route, _form, response) => {
      if (route !== "POST /api/v1/apps") return false;
      response.writeHead(422, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: `no ${clear}`, error_description: `${retitle}${csi}${bidi}` }));
      return true;
    };
    const out = writeFixture("placeholder", "");
    const run = await runCliAsync(["setup", "--instance", fake.url, "--out", `${out}.d`, "--register-only"]);
    expect(run.status).toBe(2);
    expectEscaped(run, "HTTP 422: no \\x1b[2J\\nok: all fine: \\x1b]0;pwned\\x07\\x9b2J\\u202eevil");
  });
});
