// How much work evaluating one file may do. Elixir code can double a string or a list at every step,
// or call two functions that each call two more: without bounds a few lines take minutes and gigabytes.
// A telemetry.ex builds a few dozen metric names; these limits are far above that and far below harm.
import type { Value } from "./values";

/** Evaluation went past a bound; `line` is where. Reported as bad input, not as a value it cannot know. */
export class EvaluationLimit extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "EvaluationLimit";
  }
}

const maxStringLength = 64 * 1024;
const maxListLength = 100_000;
/** Characters every `<>` and interpolation together may produce. */
const maxCharacters = 16 * 1024 * 1024;

export class Budget {
  private steps = 0;
  private characters = 0;

  /** `maxSteps` grows with the source, so time stays linear in its size. */
  constructor(readonly maxSteps: number) {}

  /** One node evaluated. */
  step(line: number): void {
    if (++this.steps > this.maxSteps)
      throw new EvaluationLimit(
        `more than ${this.maxSteps} evaluation steps (functions calling others many times over?)`,
        line,
      );
  }

  /** A string just built by `<>` or interpolation. */
  built(text: string, line: number): string {
    this.characters += text.length;
    if (text.length > maxStringLength)
      throw new EvaluationLimit(`a string longer than ${maxStringLength} characters`, line);
    if (this.characters > maxCharacters)
      throw new EvaluationLimit(`strings of more than ${maxCharacters} characters in all`, line);
    return text;
  }

  /** Any value an expression evaluates to. */
  check(value: Value, line: number): Value {
    if ((value.t === "list" || value.t === "tuple") && value.items.length > maxListLength)
      throw new EvaluationLimit(`a list of more than ${maxListLength} items`, line);
    return value;
  }
}

/** The budget for a source of `length` characters. */
export const budgetFor = (length: number) => new Budget(200_000 + 50 * length);
