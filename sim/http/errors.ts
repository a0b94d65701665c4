/**
 * One error type for every service; the protocol serializers render it on the wire
 * (restJson1 header + body, awsJson1_1 __type, awsQuery ErrorResponse XML).
 */
export type ServiceId = "backup" | "organizations" | "sts" | "tagging" | "kms" | "iam" | "ram";

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** Extra modeled members (Reason, Type, …) placed in the error body. */
    readonly fields: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
  get fault(): "Sender" | "Receiver" {
    return this.status >= 500 ? "Receiver" : "Sender";
  }
}

const json = (s: ServiceId) => s !== "sts" && s !== "iam";

/** Errors every AWS front end returns, named per protocol (JSON services vs awsQuery STS). */
export const commonErrors = {
  missingAuth: (s: ServiceId) =>
    json(s)
      ? new SimError("MissingAuthenticationTokenException", "Missing Authentication Token", 403)
      : new SimError("MissingAuthenticationToken", "Request is missing Authentication Token", 403),
  incompleteSignature: (s: ServiceId, detail: string) =>
    new SimError(json(s) ? "IncompleteSignatureException" : "IncompleteSignature", detail, 400),
  invalidToken: (s: ServiceId) =>
    new SimError(
      json(s) ? "UnrecognizedClientException" : "InvalidClientTokenId",
      "The security token included in the request is invalid.",
      403,
    ),
  expiredToken: (s: ServiceId) =>
    new SimError(
      json(s) ? "ExpiredTokenException" : "ExpiredToken",
      "The security token included in the request is expired",
      403,
    ),
  signatureMismatch: (s: ServiceId, detail?: string) =>
    new SimError(
      json(s) ? "InvalidSignatureException" : "SignatureDoesNotMatch",
      detail ??
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
      403,
    ),
  throttled: (s: ServiceId) => {
    switch (s) {
      case "backup":
        return new SimError("ThrottlingException", "Rate exceeded", 400);
      case "organizations":
        // AWS has answered 400 (not the modeled 429) for this; SDKs retry it by name.
        return new SimError(
          "TooManyRequestsException",
          "You have sent too many requests in too short a period of time. Try again later.",
          400,
          { Type: "Organizations" },
        );
      case "tagging":
        return new SimError("ThrottledException", "Rate exceeded", 400);
      case "ram":
        // RAM's modeled ThrottlingException is a 429.
        return new SimError(
          "ThrottlingException",
          "The operation failed because it exceeded the rate at which you are allowed to perform this operation. Please try again later.",
          429,
        );
      case "kms":
        // https://docs.aws.amazon.com/kms/latest/developerguide/throttling.html
        return new SimError(
          "ThrottlingException",
          "You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.",
          400,
        );
      case "sts":
      case "iam":
        return new SimError("Throttling", "Rate exceeded", 400);
    }
  },
  internal: (s: ServiceId) => {
    switch (s) {
      case "backup":
        return new SimError(
          "ServiceUnavailableException",
          "The request failed due to a temporary failure of the server.",
          500,
          { Type: "Service" },
        );
      case "organizations":
        return new SimError(
          "ServiceException",
          "AWS Organizations can't complete your request because of an internal service error. Try again later.",
          500,
        );
      case "tagging":
        return new SimError(
          "InternalServiceException",
          "The request processing failed because of an unknown error, exception or failure.",
          500,
        );
      case "ram":
        return new SimError(
          "ServerInternalException",
          "The operation failed because the service could not respond to the request due to an internal problem. Try again later.",
          500,
        );
      case "kms":
        return new SimError(
          "KMSInternalException",
          "The request was rejected because an internal exception occurred. The request can be retried.",
          500,
        );
      case "iam":
        // IAM's modeled ServiceFailureException: code ServiceFailure, HTTP 500.
        return new SimError(
          "ServiceFailure",
          "The request processing has failed because of an unknown error, exception or failure.",
          500,
        );
      case "sts":
        return new SimError(
          "InternalFailure",
          "The request processing has failed because of an unknown error, exception or failure.",
          500,
        );
    }
  },
  accessDenied: (s: ServiceId, message: string) =>
    // KMS answers AccessDeniedException with HTTP 400 (rebuy-de/aws-nuke#247, elastic/cloudbeat#1749).
    s === "sts" || s === "iam"
      ? new SimError("AccessDenied", message, 403)
      : new SimError("AccessDeniedException", message, s === "kms" ? 400 : 403),
};
