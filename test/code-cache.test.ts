import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { requireWithCodeCache } from "../cli/code-cache";
import { useTempFolder } from "./support/build";

describe("the code cache the CLI starts through", () => {
  const folder = useTempFolder("code-cache-");

  it("never runs stale code after a rebuild that kept the file's length", () => {
    const file = join(folder(), "module.js");
    const cache = join(folder(), "module.v8cache");
    writeFileSync(file, "#!/usr/bin/env node\nmodule.exports = { title: 'Uptime A' };\n");
    const first = requireWithCodeCache(file, cache);
    first.saveCodeCache();
    expect(first.exports.title).toBe("Uptime A");

    writeFileSync(file, "#!/usr/bin/env node\nmodule.exports = { title: 'Uptime B' };\n");
    expect(requireWithCodeCache(file, cache).exports.title).toBe("Uptime B");
  });

  it("gives the module its own require and __dirname", () => {
    const file = join(folder(), "paths.js");
    writeFileSync(file, "module.exports = { dir: __dirname, path: require('node:path').sep };\n");
    expect(requireWithCodeCache(file, join(folder(), "paths.v8cache")).exports).toEqual({ dir: folder(), path: "/" });
  });
});
