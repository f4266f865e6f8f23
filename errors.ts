/** The one error type for bad input: it names the culprit (panel, field, flag or file) and gives a hint. */
export class DashboardError extends Error {
  constructor(
    readonly culprit: string,
    readonly problem: string,
    readonly hint?: string,
  ) {
    super(`${culprit}: ${problem}${hint ? ` (${hint})` : ""}`);
    this.name = "DashboardError";
  }
}
