// A full garbage collection when the heap has grown past a bound. The evaluation makes millions
// of short-lived objects while its live data stays near 250 MB; V8 lets the old generation grow
// towards its limit (several GB on a large machine) before collecting, so the process would hold
// over 1 GB of garbage. Collecting at a bound keeps it there.
// `gc` is exposed to new contexts once the flag is set (Node's documented flag API; no
// --expose-gc needed on the command line).
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let gc: (() => void) | null | undefined;

/** Collects when the JS heap (live data and garbage) exceeds `limitMb`. */
export function boundHeap(limitMb = 560): void {
  // getHeapStatistics, not memoryUsage: the latter reads the RSS from the kernel each time.
  if (getHeapStatistics().used_heap_size > limitMb * 1_048_576) collectGarbage();
}

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      gc = runInNewContext("gc") as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
