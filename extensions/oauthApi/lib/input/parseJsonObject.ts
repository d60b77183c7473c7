import { parseJsonExactly } from './exactJson'

/**
 * A text that is a JSON object, parsed, its numbers keeping their digits (exactJson.ts);
 * undefined for anything else (other JSON, or not JSON).
 */
export const parseJsonObject = (text: string): Record<string, unknown> | undefined => {
  try {
    const parsed: unknown = parseJsonExactly(text)
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
