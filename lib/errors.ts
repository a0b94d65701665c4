// A closed set of errors. Only these reach a user, with their own safe messages; anything else
// becomes INTERNAL with a generic message (the original goes to the server log, never the client).

export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "VALIDATION",
  "CONFLICT",
  "RATE_LIMITED",
  "INTERNAL",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type FieldErrors = Record<string, string>;

export interface SafeError {
  code: ErrorCode;
  message: string;
  fieldErrors?: FieldErrors;
}

const HTTP_STATUS: Record<ErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "AppError";
  }
  get status(): number {
    return HTTP_STATUS[this.code];
  }
}

export const unauthenticated = () => new AppError("UNAUTHENTICATED", "Sign in to continue.");
export const forbidden = (message = "You do not have permission to do that.") => new AppError("FORBIDDEN", message);
export const notFound = (what = "That item") => new AppError("NOT_FOUND", `${what} was not found.`);
export const conflict = (message: string, fieldErrors?: FieldErrors) => new AppError("CONFLICT", message, fieldErrors);
export const invalid = (message: string, fieldErrors?: FieldErrors) => new AppError("VALIDATION", message, fieldErrors);
export const rateLimited = (message: string) => new AppError("RATE_LIMITED", message);

export function toSafeError(error: unknown): SafeError {
  if (error instanceof AppError)
    return {
      code: error.code,
      message: error.message,
      ...(error.fieldErrors ? { fieldErrors: error.fieldErrors } : {}),
    };
  return { code: "INTERNAL", message: "Something went wrong on our side. Nothing was changed; try again." };
}

export function httpStatusOf(error: SafeError): number {
  return HTTP_STATUS[error.code];
}

/** Postgres unique violation (23505), for turning races into CONFLICT rather than INTERNAL. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } } | undefined;
  return e?.code === "23505" || e?.cause?.code === "23505";
}
