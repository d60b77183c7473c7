export { checkConnection } from './checkConnection'
