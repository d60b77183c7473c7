export { ApiCallInputSchema, fields } from './fields'
export { dataPoints } from './dataPoints'
