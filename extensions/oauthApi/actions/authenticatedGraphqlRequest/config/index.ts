export { fields, GraphqlInputSchema } from './fields'
export { dataPoints } from './dataPoints'
