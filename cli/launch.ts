#!/usr/bin/env node
// The `akkoma-dashboards` command. It runs the CLI from the one-file bundle that `npm run compile`
// makes, through V8's code cache: loading ~250 separate modules and compiling them afresh on every run
// would make a build take several times as long as Node's own start.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { requireWithCodeCache } from "./code-cache";

type Cli = { run(argv: string[]): Promise<void> };

const bundle = join(__dirname, "cli.bundle.js");
const argv = process.argv.slice(2);

if (existsSync(bundle)) {
  const cli = requireWithCodeCache(bundle, join(__dirname, "cli.bundle.v8cache"));
  void (cli.exports as unknown as Cli).run(argv).then(() => cli.saveCodeCache());
} else {
  void (require("./cli") as Cli).run(argv);
}
