// Switches a viewer flips on the dashboard, as custom variables whose value a query reads.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { deadReasonsToggle } from "../config";
import { escapeRegex } from "../queries/selectors";

const option = (choice: { text: string; regex: string }, selected: boolean): dashboard.VariableOption => ({
  text: choice.text,
  value: choice.regex,
  selected,
});

/** Hides the delivery failures of dead remote instances; shows them all by default, as the reference does. */
export const deadReasonsVariable = (reasons?: readonly string[]) => {
  const { showAll } = deadReasonsToggle;
  // Reasons are literals; a custom variable's values are separated by commas, which no reason holds.
  const hideDead = reasons
    ? { ...deadReasonsToggle.hideDead, regex: reasons.map(escapeRegex).join("|") }
    : deadReasonsToggle.hideDead;
  return (
    new dashboard.CustomVariableBuilder(deadReasonsToggle.name)
      .label(deadReasonsToggle.label)
      .description("Hide final delivery failures to instances that are gone or down (expected noise).")
      // Grafana's custom variable: "text : value" pairs, separated by commas.
      .values(`${showAll.text} : ${showAll.regex},${hideDead.text} : ${hideDead.regex}`)
      .current(option(showAll, true))
      .options([option(showAll, true), option(hideDead, false)])
  );
};
