export { authenticatedGraphqlRequest } from './authenticatedGraphqlRequest'
