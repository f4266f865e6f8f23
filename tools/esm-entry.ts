// Writes dist/lib/index.mjs, the library's ES module entry: the CommonJS bundle esbuild makes exports
// through getters Node cannot see statically, so `import { dashboard } from "akkoma-dashboards"` found
// no named export. This entry imports the bundle and exports each of its names, listed when it is built.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const library = join(__dirname, "..", "lib");
const names = Object.keys(require(join(library, "index.js")) as object).filter((name) => name !== "default");
writeFileSync(
  join(library, "index.mjs"),
  [
    "// The ES module entry: the CommonJS bundle's exports by name (written by tools/esm-entry.ts).",
    'import library from "./index.js";',
    `export const { ${names.join(", ")} } = library;`,
    "export default library;",
    "",
  ].join("\n"),
);
