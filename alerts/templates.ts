// Prometheus and Grafana read alert annotations as Go templates (text/template): a value put into one
// (a job name) must be text there, never an action. `{{ "{{" }}` is how a template prints `{{`.

/** `text` as literal text in a Go template: each `{{` and `}}` written as an action printing it. */
export const templateLiteral = (text: string) => text.replace(/\{\{|\}\}/g, (braces) => `{{ "${braces}" }}`);
