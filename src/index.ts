export { extensions } from '../extensions'
