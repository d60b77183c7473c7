// Jest setupFiles: every test may reach the loopback servers it starts (the network policy
// refuses loopback by default). test/fault/networkPolicy.test.ts deletes the variable to prove
// the refusals.
import { allowLoopbackUnlessSet } from '../../servers/allowLoopback'

allowLoopbackUnlessSet()
