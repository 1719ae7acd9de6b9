export { copyToShared, decode, encode, encodeShared, findUnshippable } from './codec.js'
