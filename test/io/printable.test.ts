// Outside text as printed: one line, every control and escape sequence shown escaped, bounded, no secret.
import { escapeControls, printable, printableJson } from "../../io/printable";
import { holdSecret } from "../../io/secrets";

describe("printable", () => {
  test("ESC, newlines and the other C0 controls are shown escaped, on one line", () => {
    expect(printable("\u001b[2J\nok: all\r\tdone\u0000\u0007")).toBe("\\x1b[2J\\nok: all\\r\\tdone\\x00\\x07");
  });

  test("DEL, C1 controls (8-bit CSI) and bidi overrides and isolates are shown escaped", () => {
    const text = "a\u007fb\u009b2Jc\u0085d\u202eevil\u202cx\u2066y\u2069\u2028z";
    expect(printable(text)).toBe("a\\x7fb\\x9b2Jc\\x85d\\u202eevil\\u202cx\\u2066y\\u2069\\u2028z");
  });

  test("ordinary text, accents and emoji pass unchanged", () => {
    expect(printable('Fédération "queue" 📬 {{instance}}')).toBe('Fédération "queue" 📬 {{instance}}');
  });

  test("a long string is cut with an ellipsis, never inside an escape or a surrogate pair", () => {
    expect(printable("x".repeat(1000))).toBe(`${"x".repeat(200)}…`);
    expect(printable("abc\u001b", 5)).toBe("abc…");
    expect(printable("ab📬", 3)).toBe("ab…");
  });

  test("escapeControls escapes without cutting", () => {
    expect(escapeControls(`${"y".repeat(300)}\u001b`)).toBe(`${"y".repeat(300)}\\x1b`);
  });

  test("a secret the process holds is shown as REDACTED, raw or URL-encoded", () => {
    holdSecret("s3cret/client+secret");
    expect(printable("error: bad s3cret/client+secret")).toBe("error: bad REDACTED");
    expect(escapeControls("form: client_secret=s3cret%2Fclient%2Bsecret")).toBe("form: client_secret=REDACTED");
  });

  test("JSON keeps its own newlines and reads back the same; what JSON.stringify leaves raw is escaped", () => {
    const value = { title: "a\u009b2J\u202eb\u007f", nested: ["\u001b[2J"] };
    const text = printableJson(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
