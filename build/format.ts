import * as prettier from "prettier/standalone";
import * as babel from "prettier/plugins/babel";
import * as estree from "prettier/plugins/estree";

/**
 * Prettier's style for generated JSON (the one it gives package.json): one value a line, as Grafana's
 * own export writes it, so a change to one panel is a small diff. The standalone build with only the
 * plugins JSON needs loads much faster than prettier's full entry point.
 */
export const formatJson = (value: unknown): Promise<string> =>
  prettier.format(JSON.stringify(value), { parser: "json-stringify", plugins: [babel, estree], printWidth: 120 });
