// Bad input to `psr import`: names the file and, where there is one, the field. Exit code 2.
import type { ImportRefusal } from "../contracts/import.js";

export class ImportInputError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: { field: string | null; message: string }[],
    /** What kind of problem, for the browser's translated message (the CLI prints the text). */
    readonly reason: ImportRefusal = "invalid_settings",
  ) {
    super(
      problems.length === 1 && problems[0]
        ? `${file}: ${describeProblem(problems[0])}`
        : `${file}:\n${problems.map((p) => `  - ${describeProblem(p)}`).join("\n")}`,
    );
    this.name = "ImportInputError";
  }
}

function describeProblem(p: { field: string | null; message: string }): string {
  return p.field ? `${p.field}: ${p.message}` : p.message;
}
