// Flags every command shares are checked the same way, wherever they are given.
import { withOpaqueValues } from "../../cli/flags";
import { runCli } from "../support/build";

describe("--timeout", () => {
  const commands = [
    ["check", "--telemetry", "telemetry.ex"],
    ["tune", "--engine", "http://127.0.0.1:9"],
    ["setup", "--instance", "https://social.example.org"],
  ];

  it.each(commands)("is refused by %s when it is no time at all or longer than a timer can wait", (...command) => {
    for (const seconds of ["0", "-1", "2147484"]) {
      const result = runCli([...command, "--timeout", seconds]);
      expect([result.status, result.stdout]).toEqual([2, ""]);
      expect(result.stderr).toMatch(/^akkoma-dashboards: --timeout: .*2147483\n$/);
    }
  });
});

describe("a flag whose value is opaque (--code)", () => {
  it("takes the next argument as its value, even one that starts with a dash", () => {
    expect(withOpaqueValues(["setup", "--code", "-Xk3", "--force"], ["code"])).toEqual([
      "setup",
      "--code=-Xk3",
      "--force",
    ]);
  });

  it("leaves a missing value missing, so it is still said to be missing", () => {
    expect(withOpaqueValues(["setup", "--code"], ["code"])).toEqual(["setup", "--code"]);
    expect(withOpaqueValues(["setup", "--code", "--engine", "prometheus"], ["code"])).toEqual([
      "setup",
      "--code",
      "--engine",
      "prometheus",
    ]);
  });

  it("reads nothing after --", () => {
    expect(withOpaqueValues(["--", "--code", "x"], ["code"])).toEqual(["--", "--code", "x"]);
  });
});
