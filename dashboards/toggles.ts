// Switches a viewer flips on the dashboard, as custom variables whose value a query reads.
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import { deadReasonsToggle } from "../config";

const option = (choice: { text: string; regex: string }, selected: boolean): dashboard.VariableOption => ({
  text: choice.text,
  value: choice.regex,
  selected,
});

/** Hides the delivery failures of dead remote instances; shows them all by default, as the reference does. */
export const deadReasonsVariable = () => {
  const { showAll, hideDead } = deadReasonsToggle;
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
