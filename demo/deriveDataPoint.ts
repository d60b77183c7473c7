import { JSONPath } from 'jsonpath-plus'

/**
 * A derived data point as Studio computes it: a JSONPath over a json data point's value. A single
 * match gives the value itself, several give an array, none gives undefined.
 */
export const deriveDataPoint = (json: string, path: string): unknown => {
  const matches = JSONPath<unknown[]>({ path, json: JSON.parse(json) as object, wrap: true })
  if (matches.length === 0) return undefined
  return matches.length === 1 ? matches[0] : matches
}
