export { authenticatedApiCall } from './authenticatedApiCall'
