// Every request that carries a secret, in every command, answered with a redirect to another origin or
// down from https to http: the secret never reaches the other server (it counts every request it gets),
// and the run stops with exit 2 and one line naming the URL and where it was sent.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { type IncomingMessage, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { generateHistory } from "../../harness/synthetic";
import { requireCommand, useTempFolder } from "../support/build";
import { type FakeAkkoma, startFakeAkkoma } from "../support/fake-akkoma";
import { type Run, clientIdOf, runCliAsync } from "../setup/run";

jest.setTimeout(120_000);

const history = generateHistory({
  seed: 5,
  hours: 3,
  outageStartsBeforeEndMs: 3_600_000,
  job: "akkoma",
  instance: "akkoma.test:443",
});

interface Received {
  readonly route: string;
  readonly authorization: string | undefined;
  readonly body: string;
}

/** The other origin: answers everything as a willing Akkoma and engine would, and records what it got. */
async function startOther(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      received.push({ route: `${request.method} ${request.url}`, authorization: request.headers.authorization, body });
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ client_id: "elsewhere", client_secret: "elsewhere", access_token: "elsewhere" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const folder = useTempFolder("akkoma-redirects-");
let plain: FakeAkkoma;
let tls: FakeAkkoma;
let other: Awaited<ReturnType<typeof startOther>>;
/** The test certificate's path: the CLI trusts it through NODE_EXTRA_CA_CERTS. */
let certificate: string;
let keys: string;

beforeAll(async () => {
  requireCommand("openssl", "openssl");
  keys = mkdtempSync(join(tmpdir(), "akkoma-tls-"));
  const made = spawnSync("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"],
    ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    ...["-keyout", join(keys, "key.pem"), "-out", join(keys, "cert.pem")],
  ]);
  if (made.status !== 0) throw new Error(`openssl could not make a test certificate: ${made.stderr}`);
  certificate = join(keys, "cert.pem");
  const key = readFileSync(join(keys, "key.pem"), "utf8");
  [plain, tls, other] = await Promise.all([
    startFakeAkkoma({ history }),
    startFakeAkkoma({ history, tls: { key, cert: readFileSync(certificate, "utf8") } }),
    startOther(),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), tls?.close(), other?.close()]);
  rmSync(keys, { recursive: true, force: true });
});
afterEach(() => {
  plain.override = undefined;
  tls.override = undefined;
  other.received.splice(0);
});

const out = () => join(folder(), "monitoring");
const cli = (args: string[]) => runCliAsync(args, undefined, { NODE_EXTRA_CA_CERTS: certificate });

function tokenFile(): string {
  const path = join(folder(), "token");
  writeFileSync(path, "a-token-only-the-instance-may-see\n");
  chmodSync(path, 0o600);
  return path;
}

/** A registered app and the code its admin got, as a script's first step leaves them. */
async function authorized(akkoma: FakeAkkoma): Promise<string> {
  const run = await cli(["setup", "--instance", akkoma.url, "--out", out(), "--register-only"]);
  expect(run.status).toBe(0);
  return akkoma.authorize(clientIdOf(run.stdout));
}

interface Request {
  /** What is redirected, as the fake routes it. */
  readonly route: string;
  readonly kind: "POST" | "GET";
  /** Runs the command up to that request; `secrets` are what must appear nowhere but the instance. */
  run(akkoma: FakeAkkoma, redirect: () => void): Promise<{ run: Run; secrets: string[] }>;
}

const requests: Record<string, Request> = {
  "setup registering the app (POST /api/v1/apps)": {
    route: "POST /api/v1/apps",
    kind: "POST",
    async run(akkoma, redirect) {
      redirect();
      return { run: await cli(["setup", "--instance", akkoma.url, "--out", out(), "--register-only"]), secrets: [] };
    },
  },
  "setup exchanging the code with the client secret (POST /oauth/token)": {
    route: "POST /oauth/token",
    kind: "POST",
    async run(akkoma, redirect) {
      const code = await authorized(akkoma);
      redirect();
      const run = await cli(["setup", "--instance", akkoma.url, "--out", out(), `--code=${code}`]);
      const app = JSON.parse(readFileSync(join(out(), "akkoma-app.json"), "utf8"));
      return { run, secrets: [code, app.clientSecret] };
    },
  },
  "setup proving the token (GET /api/v1/akkoma/metrics)": {
    route: "GET /api/v1/akkoma/metrics",
    kind: "GET",
    async run(akkoma, redirect) {
      const code = await authorized(akkoma);
      redirect();
      const run = await cli(["setup", "--instance", akkoma.url, "--out", out(), `--code=${code}`]);
      return { run, secrets: [code, akkoma.issuedTokens.at(-1) as string] };
    },
  },
  "check --metrics URL --token-file (GET)": {
    route: "GET /api/v1/akkoma/metrics",
    kind: "GET",
    async run(akkoma, redirect) {
      redirect();
      const run = await cli(["check", "--metrics", `${akkoma.url}/api/v1/akkoma/metrics`, "--token-file", tokenFile()]);
      return { run, secrets: ["a-token-only-the-instance-may-see"] };
    },
  },
  "tune --engine URL --token-file (POST /api/v1/query_range)": {
    route: "POST /api/v1/query_range",
    kind: "POST",
    async run(akkoma, redirect) {
      redirect();
      const run = await cli(["tune", "--engine", akkoma.url, "--token-file", tokenFile(), "--range", "1h"]);
      return { run, secrets: ["a-token-only-the-instance-may-see"] };
    },
  },
};

const cases = Object.keys(requests).flatMap((name) =>
  [301, 302, 303, 307, 308].flatMap((status) => [
    { name, status, to: "another origin" as const },
    { name, status, to: "plain http" as const },
  ]),
);

describe("a redirect of a request that carries a secret is refused", () => {
  test.each(cases)("$name, HTTP $status to $to", async ({ name, status, to }) => {
    const request = requests[name] as (typeof requests)[string];
    // Another origin: the plain instance sends it to another port. Plain http: the https instance sends it
    // to http (another port too, as no loopback port speaks both).
    const akkoma = to === "plain http" ? tls : plain;
    const path = request.route.split(" ")[1] as string;
    const redirect = () => {
      akkoma.override = (route, _form, response) => {
        if (route !== request.route) return false;
        response.writeHead(status, { location: `${other.url}${path}` }).end();
        return true;
      };
    };
    const { run, secrets } = await request.run(akkoma, redirect);

    expect(other.received).toEqual([]);
    expect(run.status).toBe(2);
    const last = run.stderr.split("\n").filter(Boolean).at(-1);
    expect(last).toContain(`${akkoma.url}${path}: HTTP ${status}: redirects to ${other.url}${path}`);
    const why =
      request.kind === "POST"
        ? "a POST is not sent on to another address"
        : to === "plain http"
          ? "down to plain http"
          : "another origin, where the secret would go";
    expect(last).toContain(why);
    for (const secret of secrets) expect(`${run.stdout}${run.stderr}`).not.toContain(secret);
  });
});
