import { buildState } from "./build";
import type { SimState } from "./model";
import { runPlans } from "./run";
import { materialiseOrgPlans } from "../org/materialize";
import { parseWorld, type World } from "../world/schema";
import { DAY, resolveTime } from "../world/time";

/**
 * Builds a live world: parse (defaults, references), build the state, materialise org-managed
 * plans from the backup policies, then run every plan over the history window.
 */
export function createState(world: World, options: { now: number }): SimState {
  const def = parseWorld(world);
  const now = def.now ? resolveTime(def.now, options.now) : options.now;
  const state = buildState(def, now);
  materialiseOrgPlans(state);
  runPlans(state, now - def.history_days * DAY, now, true);
  return state;
}
