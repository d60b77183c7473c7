export { fields, FieldsValidationSchema } from './fields'
export { dataPoints } from './dataPoints'
