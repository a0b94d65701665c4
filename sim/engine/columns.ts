/**
 * Growable typed-array columns. Recovery points and jobs live here, one column per field, so a
 * million of them cost tens of megabytes instead of the gigabyte plain objects would.
 */
type Typed = Int32Array | Float64Array | Uint8Array | Float32Array;
type TypedCtor<T extends Typed> = { new (n: number): T };

export class Column<T extends Typed> {
  data: T;
  constructor(
    private readonly ctor: TypedCtor<T>,
    capacity = 1024,
  ) {
    this.data = new ctor(capacity);
  }
  ensure(n: number): void {
    if (n <= this.data.length) return;
    let cap = this.data.length * 2;
    while (cap < n) cap *= 2;
    const next = new this.ctor(cap);
    next.set(this.data as never);
    this.data = next;
  }
}

/** A growable list of int32 (indexes into a table). */
export class IntList {
  private data: Int32Array;
  length = 0;
  constructor(capacity = 16) {
    this.data = new Int32Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  get(i: number): number {
    return this.data[i] as number;
  }
  set(i: number, v: number): void {
    this.data[i] = v;
  }
  /** The live part as a subarray view (valid until the next push). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
  /** Sorts in place with a key comparator on the stored values. */
  sortBy(compare: (a: number, b: number) => number): void {
    const sorted = Array.from(this.view()).sort(compare);
    this.data.set(sorted);
  }
  /** First position whose value is greater than v (values must be ascending). */
  upperBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.data[mid] as number) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Interns strings (e.g. destination vault ARNs of failed copies) as small integers. */
export class StringTable {
  private readonly ids = new Map<string, number>();
  readonly values: string[] = [];
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}
