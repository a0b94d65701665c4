// Client-safe password rules (lib/auth/password.ts holds the hashing, which is server-only).
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
