/** Hashing of portal passwords (a memory-hard function; src/adapters/crypto/scrypt-password.ts). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` matches `stored`; constant-time in the comparison. */
  verify(password: string, stored: string): Promise<boolean>;
  /** A hash of a random password, to spend the same time on an unknown user (made once, on first use). */
  decoy(): Promise<string>;
}
