import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { BlockList, isIP, SocketAddress, type LookupFunction } from 'node:net'
import { buildConnector } from 'undici'

/**
 * The operator's allowlist: comma-separated CIDR ranges (or single addresses) that the network
 * policy opens, e.g. `127.0.0.0/8,::1/128` for local development, or the VPN range where an
 * on-premises EHR lives. It is read from the extension server's environment; nothing a tenant
 * sets (settings, fields, a server's answers) can open a range.
 */
export const ALLOWED_NETWORKS_ENV = 'OAUTHAPI_ALLOWED_NETWORKS'

const typeOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4')

/** One BlockList of CIDR ranges (a bare address meaning itself): one check for all of them. */
const blockListOf = (cidrs: readonly string[]): BlockList => {
  const list = new BlockList()
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split('/')
    const type = typeOf(address)
    list.addSubnet(address, Number(prefix ?? (type === 'ipv6' ? 128 : 32)), type)
  }
  return list
}

interface Rule {
  cidr: string
  /** What the range is, for the refusal's message. */
  name: string
  list: BlockList
}

const rule = (cidr: string, name: string): Rule => ({ cidr, name, list: blockListOf([cidr]) })

/**
 * Refused unless the operator opens them: every range that is not the public internet (IANA
 * special-purpose address registries, RFC 6890). BlockList matches an IPv4-mapped IPv6 address
 * (`::ffff:127.0.0.1`, `::ffff:7f00:1`) against the IPv4 ranges; numeric IPv4 spellings (`127.1`,
 * `0x7f000001`, `2130706433`) are normalised by the URL parser before they get here.
 */
const REFUSED_RANGES: readonly Rule[] = [
  rule('0.0.0.0/8', 'an unspecified or "this network" address (RFC 1122 §3.2.1.3)'),
  rule('10.0.0.0/8', 'a private address (RFC 1918)'),
  rule('100.64.0.0/10', 'a carrier-grade NAT address (RFC 6598)'),
  rule('127.0.0.0/8', 'a loopback address (RFC 1122)'),
  rule('169.254.0.0/16', 'a link-local address (RFC 3927), where cloud metadata services live'),
  rule('172.16.0.0/12', 'a private address (RFC 1918)'),
  rule('192.0.0.0/24', 'an IETF protocol assignment (RFC 6890)'),
  rule('192.0.2.0/24', 'a documentation address (RFC 5737)'),
  rule('192.88.99.0/24', 'a 6to4 relay anycast address (RFC 7526)'),
  rule('192.168.0.0/16', 'a private address (RFC 1918)'),
  rule('198.18.0.0/15', 'a benchmarking address (RFC 2544)'),
  rule('198.51.100.0/24', 'a documentation address (RFC 5737)'),
  rule('203.0.113.0/24', 'a documentation address (RFC 5737)'),
  rule('224.0.0.0/4', 'a multicast address (RFC 5771)'),
  rule('240.0.0.0/4', 'a reserved or broadcast address (RFC 1112, RFC 919)'),
  rule('::/128', 'the unspecified address (RFC 4291 §2.5.2)'),
  rule('::1/128', 'the loopback address (RFC 4291 §2.5.3)'),
  rule('::/96', 'an IPv4-compatible address (deprecated, RFC 4291 §2.5.5.1)'),
  rule('64:ff9b:1::/48', 'a local-use NAT64 address (RFC 8215)'),
  rule('100::/64', 'a discard-only address (RFC 6666)'),
  rule('2001::/23', 'an IETF protocol assignment (RFC 2928)'),
  rule('2001:db8::/32', 'a documentation address (RFC 3849)'),
  rule('2002::/16', 'a 6to4 address (deprecated, RFC 7526)'),
  rule('3fff::/20', 'a documentation address (RFC 9637)'),
  rule('fc00::/7', 'a unique local address (RFC 4193), where some cloud metadata services live'),
  rule('fe80::/10', 'a link-local address (RFC 4291 §2.5.6)'),
  rule('fec0::/10', 'a site-local address (deprecated, RFC 3879)'),
  rule('ff00::/8', 'a multicast address (RFC 4291 §2.7)'),
]

/** Every refused range in one list: an address in none of them is told by one check. */
const ANY_REFUSED = blockListOf(REFUSED_RANGES.map((refused) => refused.cidr))

/**
 * The cloud metadata services' addresses (AWS, GCP, Azure, Oracle: 169.254.169.254; AWS ECS
 * 169.254.170.2; AWS IPv6 fd00:ec2::254; Alibaba 100.100.100.200). They hand out the machine's
 * credentials, so an allowlist range does not open them: only an entry naming the address itself.
 */
const METADATA_ADDRESSES = blockListOf([
  '169.254.169.254',
  '169.254.170.2',
  'fd00:ec2::254',
  '100.100.100.200',
])

/** The metadata services' host names: refused whatever they resolve to, allowlist or not. */
const METADATA_NAMES: ReadonlySet<string> = new Set([
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'instance-data',
  'instance-data.ec2.internal',
])

/** NAT64's well-known prefix (RFC 6052): the IPv4 address it embeds is what is reached. */
const NAT64 = blockListOf(['64:ff9b::/96'])

/** A refusal: the host as asked for, the address it would reach (if known) and the rule. */
export class NetworkPolicyError extends Error {
  readonly code = 'NETWORK_POLICY'

  constructor(
    readonly host: string,
    readonly address: string | undefined,
    readonly rule: string,
  ) {
    const where = address === undefined || address === host ? host : `${host} (${address})`
    super(`${where} is ${rule}`)
    this.name = 'NetworkPolicyError'
  }
}

interface Allowlist {
  /** Every range the operator opened. */
  opened: BlockList
  /** The single addresses among them (no prefix, /32 or /128): only these open a metadata address. */
  named: BlockList
  /** Why the variable could not be read: then nothing is opened and every connection refused. */
  invalid: string | undefined
}

/** The allowlist, read again only when the variable changes (a one-entry allowlistMemo). */
let allowlistMemo: { text: string | undefined; allowlist: Allowlist } | undefined

const currentAllowlist = (): Allowlist => {
  const text = process.env[ALLOWED_NETWORKS_ENV]
  if (allowlistMemo === undefined || allowlistMemo.text !== text)
    allowlistMemo = { text, allowlist: parseAllowlist(text) }
  return allowlistMemo.allowlist
}

/** `127.0.0.0/8, ::1/128, 10.20.0.5`: CIDR ranges, a bare address meaning itself. */
export const parseAllowlist = (text: string | undefined): Allowlist => {
  const opened: string[] = []
  const named: string[] = []
  for (const entry of (text ?? '').split(',')) {
    const cidr = entry.trim()
    if (cidr === '') continue
    const match = /^([^/]+?)(?:\/(\d{1,3}))?$/.exec(cidr)
    const family = match === null ? 0 : isIP(match[1])
    const fullLength = family === 6 ? 128 : 32
    const prefix = match?.[2] === undefined ? fullLength : Number(match[2])
    if (match === null || family === 0 || prefix > fullLength) {
      return {
        opened: new BlockList(),
        named: new BlockList(),
        invalid: `${ALLOWED_NETWORKS_ENV} is not a comma-separated list of CIDR ranges (at ${JSON.stringify(cidr.slice(0, 60))})`,
      }
    }
    opened.push(`${match[1]}/${prefix}`)
    if (prefix === fullLength) named.push(match[1])
  }
  return { opened: blockListOf(opened), named: blockListOf(named), invalid: undefined }
}

/**
 * Why the policy refuses to connect to `address` (an IP address as text), or undefined when it
 * may be reached: a refused range not opened by the operator's allowlist, a metadata address not
 * named by it, or NAT64's embedded IPv4 address refused in turn.
 */
export const refusedAddress = (address: string): string | undefined => {
  const type = typeOf(address)
  const allowlist = currentAllowlist()
  if (allowlist.invalid !== undefined) return `not reachable: ${allowlist.invalid}`
  // One SocketAddress for every check: BlockList.check makes one of a string each time.
  const socket = new SocketAddress({ address, family: type })
  if (METADATA_ADDRESSES.check(socket) && !allowlist.named.check(socket)) {
    return 'a cloud metadata service address'
  }
  if (allowlist.opened.check(socket)) return undefined
  if (ANY_REFUSED.check(socket)) {
    // Which range, for the message: looked for only once one of them refuses it.
    const refused = REFUSED_RANGES.find((candidate) => candidate.list.check(socket))
    if (refused !== undefined) return `${refused.name}, in ${refused.cidr}`
  }
  if (type === 'ipv6' && NAT64.check(socket)) return refusedAddress(embeddedIpv4(address))
  return undefined
}

/** The IPv4 address in an IPv6 address's last 32 bits (RFC 6052 §2.2, /96 prefix). */
const embeddedIpv4 = (address: string): string => {
  const tail = address.slice(address.lastIndexOf(':') + 1)
  if (isIP(tail) === 4) return tail
  const [high, low] = address
    .split(':')
    .slice(-2)
    .map((group) => parseInt(group === '' ? '0' : group, 16))
  return [high >> 8, high & 255, low >> 8, low & 255].join('.')
}

/**
 * The refusal for a host as a URL gives it (`URL.hostname`, IPv6 in brackets), decided before any
 * lookup: an IP literal by its address, a metadata service by its name. A name that resolves is
 * checked again on every address it resolves to, when the connection is made (policyConnector).
 */
export const refusedHost = (hostname: string): NetworkPolicyError | undefined => {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  if (isIP(host) !== 0) {
    const why = refusedAddress(host)
    return why === undefined ? undefined : new NetworkPolicyError(hostname, undefined, why)
  }
  if (METADATA_NAMES.has(host.replace(/\.$/, ''))) {
    return new NetworkPolicyError(hostname, undefined, 'a cloud metadata service name')
  }
  const allowlist = currentAllowlist()
  if (allowlist.invalid !== undefined) {
    return new NetworkPolicyError(hostname, undefined, `not reachable: ${allowlist.invalid}`)
  }
  return undefined
}

/**
 * DNS as the operating system resolves it (dns.lookup), with every address it returns checked:
 * one refused address refuses the name. The connection is made to the address checked here, so
 * a name that resolves differently the next time (DNS rebinding) gains nothing.
 */
const policyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error !== null) {
      callback(error, '', 0)
      return
    }
    for (const { address } of addresses) {
      const why = refusedAddress(address)
      if (why !== undefined) {
        callback(new NetworkPolicyError(hostname, address, why), '', 0)
        return
      }
    }
    if (options.all === true) callback(null, addresses)
    else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 0)
  })
}

/**
 * undici's connector with the network policy: an IP literal is checked before the socket is
 * opened, a name on every address DNS gives for it. Every pool the extension makes (the shared
 * one, and any pool with its own TLS options) is built with it, so every request — redirect
 * hops, discovered endpoints and next pages included — is checked where it connects.
 */
export const policyConnector = (
  options: buildConnector.BuildOptions = {},
): buildConnector.connector => {
  const connect = buildConnector({
    ...options,
    lookup: policyLookup,
  })
  return (connectOptions, callback) => {
    const refusal = refusedHost(connectOptions.hostname)
    if (refusal !== undefined) {
      callback(refusal, null)
      return
    }
    connect(connectOptions, callback)
  }
}
