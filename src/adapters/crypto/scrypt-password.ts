/**
 * Portal passwords under scrypt (Node's crypto, a memory-hard function): stored as
 * `scrypt$N$r$p$salt$hash` with base64url salt and hash, so the cost can be raised later
 * and old hashes still verify. The default N = 2^15, r = 8 uses 32 MiB and about 0.1 s a
 * hash on this machine's cores: slow for a guesser, fine for a person signing in.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import type { PasswordHasher } from "../../domain/password-hasher.port.js";

const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...o, maxmem: 256 * o.N * o.r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize("NFC"), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export function scryptHasher(cost: { N: number; r: number; p: number } = { N: 2 ** 15, r: 8, p: 1 }): PasswordHasher {
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await derive(password, salt, cost);
    return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
  };
  let decoy: Promise<string> | undefined;
  return {
    hash,
    async verify(password, stored) {
      const [kind, n, r, p, salt, key] = stored.split("$");
      if (kind !== "scrypt" || !salt || !key) return false;
      const expected = Buffer.from(key, "base64url");
      const given = await derive(password, Buffer.from(salt, "base64url"), { N: Number(n), r: Number(r), p: Number(p) });
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    decoy() {
      decoy ??= hash(randomBytes(24).toString("base64url"));
      return decoy;
    },
  };
}
