import { ALLOWED_NETWORKS_ENV, parseAllowlist, refusedAddress, refusedHost } from './networkPolicy'

const withAllowlist = (value: string | undefined, check: () => void): void => {
  const saved = process.env[ALLOWED_NETWORKS_ENV]
  if (value === undefined) delete process.env[ALLOWED_NETWORKS_ENV]
  else process.env[ALLOWED_NETWORKS_ENV] = value
  try {
    check()
  } finally {
    if (saved === undefined) delete process.env[ALLOWED_NETWORKS_ENV]
    else process.env[ALLOWED_NETWORKS_ENV] = saved
  }
}

describe('refusedAddress, with no allowlist', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['::1', /loopback/],
    ['::ffff:127.0.0.1', /loopback/],
    ['::ffff:7f00:1', /loopback/],
    ['64:ff9b::7f00:1', /loopback/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['169.254.169.254', /metadata/],
    ['fd00:ec2::254', /metadata/],
    ['10.1.2.3', /private/],
    ['172.31.255.255', /private/],
    ['192.168.0.1', /private/],
    ['100.127.0.1', /carrier-grade NAT/],
    ['fd12:3456::1', /unique local/],
    ['fe80::1', /link-local/],
    ['ff02::1', /multicast/],
    ['2001:db8::1', /documentation/],
    ['198.51.100.7', /documentation/],
  ])('refuses %s', (address, rule) => {
    withAllowlist(undefined, () => expect(refusedAddress(address)).toMatch(rule))
  })

  it.each(['8.8.8.8', '2606:4700:4700::1111', '64:ff9b::808:808', '172.32.0.1', '100.128.0.1'])(
    'lets %s through',
    (address) => {
      withAllowlist(undefined, () => expect(refusedAddress(address)).toBeUndefined())
    },
  )
})

describe('the allowlist', () => {
  it('opens its ranges, IPv4-mapped spellings included', () => {
    withAllowlist('127.0.0.0/8,::1/128, 10.20.0.0/16', () => {
      expect(refusedAddress('127.0.0.5')).toBeUndefined()
      expect(refusedAddress('::ffff:127.0.0.5')).toBeUndefined()
      expect(refusedAddress('::1')).toBeUndefined()
      expect(refusedAddress('10.20.3.4')).toBeUndefined()
      expect(refusedAddress('10.21.3.4')).toMatch(/private/)
    })
  })

  it('opens a metadata address only when it names it', () => {
    withAllowlist('169.254.0.0/16', () => {
      expect(refusedAddress('169.254.1.1')).toBeUndefined()
      expect(refusedAddress('169.254.169.254')).toMatch(/metadata/)
    })
    withAllowlist('169.254.169.254/32', () => {
      expect(refusedAddress('169.254.169.254')).toBeUndefined()
    })
    // A /32 of IPv6 is a range, not an address.
    withAllowlist('fd00:ec2::/32', () => {
      expect(refusedAddress('fd00:ec2::1')).toBeUndefined()
      expect(refusedAddress('fd00:ec2::254')).toMatch(/metadata/)
    })
    withAllowlist('fd00:ec2::254', () => {
      expect(refusedAddress('fd00:ec2::254')).toBeUndefined()
    })
  })

  it('refuses everything when it cannot be read', () => {
    expect(parseAllowlist('10.0.0.0/33').invalid).toMatch(/CIDR/)
    expect(parseAllowlist('example.com').invalid).toMatch(/CIDR/)
    expect(parseAllowlist(' , ').invalid).toBeUndefined()
    withAllowlist('10.0.0.0/8,nonsense', () => {
      expect(refusedAddress('8.8.8.8')).toMatch(/not reachable/)
      expect(refusedHost('api.example.com')?.rule).toMatch(/not reachable/)
    })
  })
})

describe('refusedHost', () => {
  it('refuses literals as URL.hostname gives them, and metadata names', () => {
    withAllowlist(undefined, () => {
      expect(refusedHost(new URL('http://0x7f000001/').hostname)?.rule).toMatch(/loopback/)
      expect(refusedHost(new URL('http://[::ffff:127.0.0.1]/').hostname)?.rule).toMatch(/loopback/)
      expect(refusedHost('METADATA.google.internal.')?.rule).toMatch(/metadata/)
      expect(refusedHost('api.example.com')).toBeUndefined()
    })
  })
})
