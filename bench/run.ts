import { benchCliSpeed } from "./cli-speed";
import { benchEngines } from "./engines";

benchCliSpeed();
benchEngines().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
