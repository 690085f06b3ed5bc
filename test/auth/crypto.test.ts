// Password hashes carry their scrypt parameters; tokens and generated passwords are random.
import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  dummyPasswordHash,
  hashPassword,
  randomPassword,
  randomToken,
  safeEqual,
  sha256,
  verifyPassword,
} from "../../src/auth/crypto.js";

/** A stored hash made outside the module, with its own parameters (as an older release might). */
function storedHash(password: string, n: number, r: number, p: number, keyLength = 32): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, keyLength, { N: n, r, p });
  return `scrypt$${n}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

describe("hashPassword and verifyPassword", () => {
  it("stores scrypt N=2^15, r=8, p=1 with a fresh 16-byte salt and a 32-byte key", async () => {
    const hash = await hashPassword("correct horse");
    const parts = hash.split("$");
    expect(parts.slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(parts[4] ?? "", "base64url")).toHaveLength(16);
    expect(Buffer.from(parts[5] ?? "", "base64url")).toHaveLength(32);
    expect(await hashPassword("correct horse")).not.toBe(hash);
    expect(await verifyPassword("correct horse", hash)).toBe(true);
    expect(await verifyPassword("correct hors", hash)).toBe(false);
  });

  it("checks a hash with other parameters by the parameters it carries", async () => {
    const hash = storedHash("s3cret", 1024, 4, 2);
    expect(await verifyPassword("s3cret", hash)).toBe(true);
    expect(await verifyPassword("s3cret!", hash)).toBe(false);
  });

  const good = storedHash("pw", 1024, 8, 1);
  const parts = good.split("$");
  const withPart = (i: number, value: string) => parts.map((p, j) => (j === i ? value : p)).join("$");
  it.each([
    { name: "an empty text", stored: "" },
    { name: "another algorithm's name", stored: withPart(0, "bcrypt") },
    { name: "a part missing", stored: parts.slice(0, 5).join("$") },
    { name: "a part too many", stored: `${good}$extra` },
    { name: "N of zero", stored: withPart(1, "0") },
    { name: "N not a number", stored: withPart(1, "lots") },
    { name: "r of zero", stored: withPart(2, "0") },
    { name: "p of zero", stored: withPart(3, "0") },
    { name: "a key of another length", stored: storedHash("pw", 1024, 8, 1, 16) },
  ])("never matches a malformed stored hash: $name", async ({ stored }) => {
    expect(await verifyPassword("pw", stored)).toBe(false);
  });
});

describe("dummyPasswordHash", () => {
  it("is one real hash, made once, that no guessed password matches", async () => {
    const first = await dummyPasswordHash();
    expect(await dummyPasswordHash()).toBe(first);
    expect(first.split("$").slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(await verifyPassword("", first)).toBe(false);
  });
});

describe("random values", () => {
  it.each([
    { name: "default: 32 bytes", bytes: undefined, length: 43 },
    { name: "24 bytes", bytes: 24, length: 32 },
  ])("randomToken is base64url of the bytes asked for ($name)", ({ bytes, length }) => {
    const token = randomToken(bytes);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(token).toHaveLength(length);
    expect(randomToken(bytes)).not.toBe(token);
  });

  it.each([
    { name: "default length 20", length: undefined, expected: 20 },
    { name: "length 12", length: 12, expected: 12 },
  ])("randomPassword has no look-alike characters ($name)", ({ length, expected }) => {
    const password = randomPassword(length);
    expect(password).toHaveLength(expected);
    expect(password).toMatch(/^[a-km-zA-HJ-NP-Z2-9]+$/);
    expect(randomPassword(length)).not.toBe(password);
  });

  it("randomPassword uses the whole alphabet", () => {
    const seen = new Set(randomPassword(5000));
    expect(seen.size).toBe(56);
  });
});

describe("sha256 and safeEqual", () => {
  it("sha256 is the hex digest", () => {
    expect(sha256("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it.each([
    { a: "key-1", b: "key-1", equal: true },
    { a: "key-1", b: "key-2", equal: false },
    { a: "key", b: "key-longer", equal: false },
    { a: "", b: "", equal: true },
  ])("safeEqual($a, $b) is $equal", ({ a, b, equal }) => {
    expect(safeEqual(a, b)).toBe(equal);
  });
});
