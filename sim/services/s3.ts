import { createHash } from "node:crypto";
import { SimError } from "../http/errors";

/**
 * The few S3 calls report delivery needs (CreateBucket, HeadBucket, PutObject, GetObject), over
 * an in-memory store tests inspect. A bucket belongs to the account that created it and only that
 * account may write to it (no bucket policies or ACLs); another account gets AccessDenied, as from
 * a bucket whose policy does not admit it.
 */
export interface S3StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
  /** The account whose caller put it. */
  writer: string;
}

export interface S3Bucket {
  name: string;
  ownerAccountId: string;
  region: string;
  created: Date;
  objects: Map<string, S3StoredObject>;
}

export class S3Store {
  readonly buckets = new Map<string, S3Bucket>();

  /** A bucket made outside the API (test setup): owned by `ownerAccountId` in `region`. */
  createBucket(name: string, ownerAccountId: string, region = "us-east-1"): S3Bucket {
    const b = { name, ownerAccountId, region, created: new Date(), objects: new Map() };
    this.buckets.set(name, b);
    return b;
  }

  /** The objects of a bucket by key (tests read what a delivery wrote). */
  objects(bucket: string): Map<string, S3StoredObject> {
    return this.buckets.get(bucket)?.objects ?? new Map();
  }
}

/** S3's bucket naming rules, as CreateBucket enforces them (InvalidBucketName). */
const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

export const s3Errors = {
  noSuchBucket: (bucket: string) =>
    new SimError("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket }),
  noSuchKey: (key: string) => new SimError("NoSuchKey", "The specified key does not exist.", 404, { Key: key }),
  accessDenied: () => new SimError("AccessDenied", "Access Denied", 403),
  invalidBucketName: (bucket: string) =>
    new SimError("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: bucket }),
};

export interface S3Call {
  accountId: string;
  region: string;
}

function bucketFor(store: S3Store, call: S3Call, name: string): S3Bucket {
  const b = store.buckets.get(name);
  if (!b) throw s3Errors.noSuchBucket(name);
  if (b.ownerAccountId !== call.accountId) throw s3Errors.accessDenied();
  if (b.region !== call.region)
    throw new SimError(
      "AuthorizationHeaderMalformed",
      `The authorization header is malformed; the region '${call.region}' is wrong; expecting '${b.region}'`,
      400,
      { Region: b.region },
    );
  return b;
}

export function createBucket(
  store: S3Store,
  call: S3Call,
  name: string,
  locationConstraint: string | undefined,
): { location: string } {
  if (!BUCKET_NAME.test(name)) throw s3Errors.invalidBucketName(name);
  const region = locationConstraint || "us-east-1";
  if (region !== call.region)
    throw new SimError(
      "IllegalLocationConstraintException",
      `The ${region} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      400,
    );
  const existing = store.buckets.get(name);
  if (existing) {
    if (existing.ownerAccountId !== call.accountId)
      throw new SimError(
        "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
        409,
        { BucketName: name },
      );
    // us-east-1 answers the owner's repeated CreateBucket with success; other Regions refuse it.
    if (region !== "us-east-1")
      throw new SimError(
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
        409,
        { BucketName: name },
      );
    return { location: `/${name}` };
  }
  store.createBucket(name, call.accountId, region);
  return { location: `/${name}` };
}

export function headBucket(store: S3Store, call: S3Call, name: string): { region: string } {
  const b = store.buckets.get(name);
  if (!b) throw s3Errors.noSuchBucket(name);
  if (b.ownerAccountId !== call.accountId) throw s3Errors.accessDenied();
  return { region: b.region };
}

export function putObject(
  store: S3Store,
  call: S3Call,
  bucket: string,
  key: string,
  body: Buffer,
  contentType: string | undefined,
): { etag: string } {
  const b = bucketFor(store, call, bucket);
  if (key.length === 0 || Buffer.byteLength(key) > 1024)
    throw new SimError("KeyTooLongError", "Your key is too long", 400);
  const etag = `"${createHash("md5").update(body).digest("hex")}"`;
  b.objects.set(key, {
    body,
    contentType: contentType ?? "application/octet-stream",
    etag,
    lastModified: new Date(),
    writer: call.accountId,
  });
  return { etag };
}

export function getObject(store: S3Store, call: S3Call, bucket: string, key: string): S3StoredObject {
  const o = bucketFor(store, call, bucket).objects.get(key);
  if (!o) throw s3Errors.noSuchKey(key);
  return o;
}
