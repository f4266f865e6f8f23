// Prometheus and Grafana read alert annotations and labels as Go templates (text/template): a value put
// into one (a job name) must be text there, never an action. `{{ "{{" }}` is how a template prints `{{`.
// A template is checked by the lexical part of Go's text/template (actions closed, strings in actions
// terminated, no empty action), after text/template/parse's lexer.

/** `text` as literal text in a Go template: each `{{` and `}}` written as an action printing it. */
export const templateLiteral = (text: string) => text.replace(/\{\{|\}\}/g, (braces) => `{{ "${braces}" }}`);

/** Why `template` is not a valid Go template, or undefined. */
export function templateProblem(template: string): string | undefined {
  let pos = 0;
  for (;;) {
    const open = template.indexOf("{{", pos);
    if (open < 0) return undefined;
    let i = open + 2;
    let closed = false;
    while (i < template.length) {
      const c = template[i];
      if (template.startsWith("}}", i)) {
        closed = true;
        break;
      }
      if (template.startsWith("{{", i)) return `an action opened inside the action at character ${open}`;
      if (c === '"' || c === "`" || c === "'") {
        const end = endOfQuote(template, i);
        if (end < 0) return `unterminated ${c === "`" ? "raw string" : "quoted text"} in the action at ${open}`;
        i = end;
      } else i++;
    }
    if (!closed) return `the action opened at character ${open} is never closed`;
    const body = template.slice(open + 2, i).replace(/^-\s|\s-$/g, "");
    if (body.trim() === "") return `empty action at character ${open}`;
    pos = i + 2;
  }
}

/** Index just past the quote that closes the one at `start`, or -1. */
function endOfQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\" && quote !== "`") i++;
    else if (text[i] === quote) return i + 1;
    else if (text[i] === "\n" && quote !== "`") return -1;
  }
  return -1;
}
