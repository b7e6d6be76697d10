import { hash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as scrypt hashes: `scrypt$N$r$p$salt$key`, salt and key base64. N = 2^15 makes a guess cost
 * about 30 ms of CPU and 32 MiB, which is what slows an offline attack on a stolen database.
 */
const COST = 2 ** 15;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 64 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST, BLOCK_SIZE, PARALLELISM);
  return ['scrypt', COST, BLOCK_SIZE, PARALLELISM, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Whether a password matches a stored hash. With no hash (an unknown user, or one without a password) the same work
 * is done against a throw-away hash, so a wrong user name takes as long as a wrong password.
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  const wellFormed = parts.length === 6 && parts[0] === 'scrypt';
  const [cost, blockSize, parallelism] = wellFormed ? parts.slice(1, 4).map(Number) : [COST, BLOCK_SIZE, PARALLELISM];
  const salt = wellFormed ? Buffer.from(parts[4] ?? '', 'base64') : DECOY_SALT;
  const expected = wellFormed ? Buffer.from(parts[5] ?? '', 'base64') : DECOY_KEY;
  const key = await derive(password, salt, cost ?? COST, blockSize ?? BLOCK_SIZE, parallelism ?? PARALLELISM);
  return wellFormed && key.length === expected.length && timingSafeEqual(key, expected);
}

const DECOY_SALT = randomBytes(16);
const DECOY_KEY = randomBytes(KEY_LENGTH);

function derive(password: string, salt: Buffer, cost: number, blockSize: number, parallelism: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFC'),
      salt,
      KEY_LENGTH,
      { N: cost, r: blockSize, p: parallelism, maxmem: MAX_MEMORY },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}

/** API tokens: `mnemo_` and 256 random bits, so a token is recognisable in a leaked log and cannot be guessed. */
export function generateToken(): string {
  return `mnemo_${randomBytes(32).toString('base64url')}`;
}

/** Tokens and session ids are stored as their SHA-256: enough for 256-bit random secrets, and one lookup per request. */
export function secretDigest(secret: string): string {
  return hash('sha256', secret, 'hex');
}

export function randomId(prefix: string): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}
