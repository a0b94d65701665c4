/**
 * A timestamp in a response. JSON protocols send epoch seconds (a number, millisecond precision);
 * awsQuery XML sends RFC 3339 date-time. Handlers wrap times in this so each serializer can choose.
 */
export class Timestamp {
  constructor(readonly seconds: number) {}
  toJSON(): number {
    return Math.round(this.seconds * 1000) / 1000;
  }
  toISOString(): string {
    return new Date(Math.round(this.seconds * 1000)).toISOString().replace(".000Z", "Z");
  }
}

export const at = (seconds: number | undefined): Timestamp | undefined =>
  seconds === undefined || !Number.isFinite(seconds) ? undefined : new Timestamp(seconds);
