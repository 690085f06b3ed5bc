// The text of anything thrown: errors give their message, anything else its string form.
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
