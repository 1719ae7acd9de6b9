/** An error as one string for messages and failure reasons: its stack (which starts with name and message), or its text. */
export function formatError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`
  return String(error)
}
