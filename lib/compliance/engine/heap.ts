// A full garbage collection when the heap has grown past a bound. The evaluation makes millions
// of short-lived objects while its live data stays near 250 MB per million recovery points; V8
// lets the old generation grow towards its limit (several GB on a large machine) before
// collecting, so the process would hold over 1 GB of garbage. Collecting at a bound keeps it there.
// The bound moves up with what is live: a fixed bound below the live data collects at every
// boundary (thousands of full collections of a heap that stays full; at 2M points half of the
// evaluation's time). Letting the garbage grow as large as the live data keeps the number of
// collections independent of the estate's size, so their cost grows with it linearly (at 1M
// points the fixed bound already leaves about that much room).
// `gc` is exposed to new contexts once the flag is set (Node's documented flag API; no
// --expose-gc needed on the command line).
import { getHeapStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

const MB = 1_048_576;

let gc: (() => void) | null | undefined;

export class HeapBound {
  private liveAfterCollection = 0;
  collections = 0;

  constructor(
    private readonly limitBytes = 560 * MB,
    // getHeapStatistics, not memoryUsage: the latter reads the RSS from the kernel each time.
    private readonly usedBytes = () => getHeapStatistics().used_heap_size,
    private readonly collect = collectGarbage,
  ) {}

  /** Collects when the JS heap exceeds the limit and twice what the last collection left. */
  check(): void {
    if (this.usedBytes() <= Math.max(this.limitBytes, this.liveAfterCollection * 2)) return;
    this.collect();
    this.collections++;
    this.liveAfterCollection = this.usedBytes();
  }
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
