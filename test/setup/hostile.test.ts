// `setup` against a hostile or careless instance, or run carelessly: what it prints never holds a secret
// or a raw control, every answer is read within a cap, plain http is warned about, and runs at once on
// one folder register one app.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { generateHistory } from "../../harness/synthetic";
import { useTempFolder } from "../support/build";
import { type FakeAkkoma, startFakeAkkoma } from "../support/fake-akkoma";
import { type Run, clientIdOf, filesUnder, runCliAsync } from "./run";

jest.setTimeout(60_000);

const history = generateHistory({
  seed: 7,
  hours: 3,
  outageStartsBeforeEndMs: 3_600_000,
  job: "akkoma",
  instance: "akkoma.test:443",
});
let fake: FakeAkkoma;
beforeAll(async () => {
  fake = await startFakeAkkoma({ history });
});
afterAll(() => fake.close());
afterEach(() => {
  fake.override = undefined;
});

const folder = useTempFolder("akkoma-setup-hostile-");
const out = () => join(folder(), "monitoring");
const setup = (...flags: string[]) => runCliAsync(["setup", "--instance", fake.url, "--out", out(), ...flags]);

async function authorized(): Promise<string> {
  const run = await setup("--register-only");
  expect(run.status).toBe(0);
  return fake.authorize(clientIdOf(run.stdout));
}

const lastLine = (run: Run) => run.stderr.split("\n").filter(Boolean).at(-1) ?? "";
const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("what setup prints", () => {
  test("an error echoing the client secret and the code: both redacted, its controls escaped", async () => {
    const code = await authorized();
    const app = JSON.parse(readFileSync(join(out(), "akkoma-app.json"), "utf8"));
    fake.override = (route, form, response) => {
      if (route !== "POST /oauth/token") return false;
      const error = `invalid client_secret ${form.client_secret} for code ${form.code}\u001b[2J\nok: forged`;
      response.writeHead(400, { "content-type": "application/json" });
      response.end(JSON.stringify({ error, error_description: `try ${form.client_secret}\u202e\u009b2J` }));
      return true;
    };
    const run = await setup(`--code=${code}`);
    expect(run.status).toBe(2);
    const printed = `${run.stdout}${run.stderr}`;
    expect(printed).not.toContain(app.clientSecret);
    expect(printed).not.toContain(code);
    expect(printed).not.toMatch(rawControl);
    expect(lastLine(run)).toBe(
      "akkoma-dashboards: --code: the instance refused the code (HTTP 400: invalid client_secret REDACTED for " +
        "code REDACTED\\x1b[2J\\nok: forged: try REDACTED\\u202e\\x9b2J) (a code works once and expires within " +
        "minutes: authorize again at the URL for a new one)",
    );
  });

  test("an http:// instance off this machine: a warning before anything is sent", async () => {
    // A file in the way stops the run before its first request: nothing leaves this machine.
    mkdirSync(out());
    writeFileSync(join(out(), "datasources.yaml"), "mine\n");
    const run = await runCliAsync(["setup", "--instance", "http://social.example", "--out", out()]);
    expect(run.status).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(
      "akkoma-dashboards: warning: http://social.example/: sending the client secret, the code and the token over plain http",
    );
  });
});

describe("every answer is read within a cap", () => {
  test("an endless /api/v1/apps answer: stopped at the cap, exit 2, quickly", async () => {
    fake.override = (route, _form, response) => {
      if (route !== "POST /api/v1/apps") return false;
      response.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.from(`{"client_id":"${"x".repeat(64 * 1024)}`);
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on("drain", pump);
      pump();
      return true;
    };
    const started = Date.now();
    const run = await setup("--register-only");
    expect(run.status).toBe(2);
    expect(lastLine(run)).toMatch(
      /^akkoma-dashboards: http:\/\/127\.0\.0\.1:\d+\/api\/v1\/apps: an answer larger than the 64 KiB limit; stopped reading/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(out())).toBe(false);
  });

  test("a token longer than any Akkoma issues is refused, and not written", async () => {
    const code = await authorized();
    fake.override = (route, _form, response) => {
      if (route !== "POST /oauth/token") return false;
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ access_token: "t".repeat(5000), token_type: "Bearer" }));
      return true;
    };
    const run = await setup(`--code=${code}`);
    expect(run.status).toBe(2);
    expect(lastLine(run)).toMatch(/\/oauth\/token: answered without a usable access_token .*at most 4096 characters/);
    expect(filesUnder(out()).map((f) => f.name)).toEqual(["akkoma-app.json"]);
  });
});

describe("registration is exclusive", () => {
  test("five --register-only runs at once register one app; the others use it or refuse, naming the lock", async () => {
    const before = fake.apps.length;
    // Registration takes a while, as on a busy instance: the runs overlap.
    fake.override = async (route) => {
      if (route === "POST /api/v1/apps") await new Promise((resolve) => setTimeout(resolve, 2000));
      return false;
    };
    const runs = await Promise.all(Array.from({ length: 5 }, () => setup("--register-only")));
    expect(fake.apps.length - before).toBe(1);
    const kept = JSON.parse(readFileSync(join(out(), "akkoma-app.json"), "utf8"));
    expect(kept.clientId).toBe(fake.apps.at(-1)?.clientId);
    for (const run of runs) {
      if (run.status === 0) expect(clientIdOf(run.stdout)).toBe(kept.clientId);
      else
        expect([run.status, lastLine(run)]).toEqual([
          2,
          expect.stringMatching(/akkoma-app\.json\.lock: another setup run \(pid \d+\) is registering an app/),
        ]);
    }
    expect(runs.filter((run) => run.status === 2).length).toBeGreaterThan(0);
    expect(existsSync(join(out(), "akkoma-app.json.lock"))).toBe(false);
  });

  test("a lock left by a run that ended: refused, saying so and what to do", async () => {
    const ended = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    mkdirSync(out());
    const lock = join(out(), "akkoma-app.json.lock");
    writeFileSync(lock, JSON.stringify({ pid: ended, host: hostname(), since: Date.now() }));
    const before = fake.apps.length;
    const run = await setup("--register-only");
    expect(run.status).toBe(2);
    expect(lastLine(run)).toBe(
      `akkoma-dashboards: ${lock}: a registration lock left by a run that did not finish (pid ${ended} on ` +
        `${hostname()}) (remove it if no other setup runs on this folder, then run again)`,
    );
    expect(fake.apps.length).toBe(before);
    expect(existsSync(lock)).toBe(true);
  });
});
