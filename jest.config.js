/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  // The end-to-end suites spend minutes waiting on real engines (setup's scrapes come a minute apart):
  // a third worker overlaps that waiting with the other suites on a two-core machine.
  maxWorkers: 3,
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "test/tsconfig.json" }] },
  // @grafana/data's CommonJS build requires three packages that ship ES modules only, which Node loads
  // but Jest's module loader does not: their UMD builds are the same code.
  moduleNameMapper: {
    "^marked$": "<rootDir>/node_modules/marked/lib/marked.umd.js",
    "^(d3-interpolate|d3-color|d3-scale-chromatic)$": "<rootDir>/node_modules/$1/dist/$1.js",
  },
  reporters: ["default", "<rootDir>/test/support/summary-reporter.js"],
};
