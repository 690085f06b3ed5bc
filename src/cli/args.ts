// Strict command-line parsing on node:util. Bad input becomes a UsageError (exit 2) that says
// what was wrong; nothing runs with half-understood options.

import { type ParseArgsConfig, parseArgs } from "node:util";
import { errorMessage } from "../error-message.js";

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (error) {
    // node's messages are already specific ("Unknown option '--foo'"); drop its internal code.
    const message = errorMessage(error).replace(/\. To specify a positional.*$/s, "");
    throw new UsageError(message);
  }
}

/** Parses a whole-number option within bounds, or throws a UsageError naming the option. */
export function intOption(
  name: string,
  value: string | undefined,
  bounds: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} expects a whole number, got "${value}"`);
  const n = Number(value);
  if (n < bounds.min || n > bounds.max) {
    throw new UsageError(`--${name} must be between ${bounds.min} and ${bounds.max}, got ${n}`);
  }
  return n;
}

/** Parses a decimal option within bounds (e.g. a rate), or throws a UsageError. */
export function numberOption(
  name: string,
  value: string | undefined,
  bounds: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n))
    throw new UsageError(`--${name} expects a number, got "${value}"`);
  if (n < bounds.min || n > bounds.max) {
    throw new UsageError(`--${name} must be between ${bounds.min} and ${bounds.max}, got ${n}`);
  }
  return n;
}

/** Parses an option that must be one of a few words, or throws a UsageError listing them. */
export function choiceOption<T extends string>(
  name: string,
  value: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  const found = choices.find((c) => c === value.trim());
  if (found === undefined)
    throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got "${value}"`);
  return found;
}
