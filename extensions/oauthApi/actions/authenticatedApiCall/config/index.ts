export { fields, FieldsValidationSchema, HTTP_METHODS, type ApiCallInput } from './fields'
export { dataPoints } from './dataPoints'
