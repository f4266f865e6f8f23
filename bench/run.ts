import { benchCliSpeed } from "./cli-speed";
import { benchEngines } from "./engines";
import { benchPackage } from "./package";
import { benchTune } from "./tune";

benchCliSpeed();
benchPackage();
benchEngines()
  .then(benchTune)
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
