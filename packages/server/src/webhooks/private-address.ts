/**
 * Which IP addresses are not on the public internet: loopback, private
 * (RFC 1918, unique-local), link-local (169.254.169.254, the cloud metadata
 * service, among them), carrier-grade NAT, multicast, reserved, unspecified —
 * and IPv6 forms that carry such an IPv4 address (mapped, compatible, NAT64,
 * 6to4). With `PARLEY_WEBHOOK_PRIVATE=deny` a webhook may not be sent to one
 * (docs/webhooks.md, "Private addresses").
 * @module
 */
import { isIP } from "node:net";

/** IPv4 ranges that are not public: [first octets as a number, prefix length]. */
const PRIVATE_V4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

function v4Number(address: string): number {
  return address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

function privateV4(value: number): boolean {
  return PRIVATE_V4.some(([base, bits]) => {
    const size = 2 ** (32 - bits);
    return Math.floor(value / size) === Math.floor(v4Number(base) / size);
  });
}

/** The eight 16-bit groups of an IPv6 address (a trailing dotted IPv4 part and `::` expanded). */
function v6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, "");
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const n = v4Number(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part === "" ? [] : part.split(":").map((group) => parseInt(group, 16)));
  const [before, after] = [parse(head), parse(tail ?? "")];
  const zeros = tail === undefined ? [] : new Array<number>(8 - before.length - after.length).fill(0);
  return [...before, ...zeros, ...after];
}

function privateV6(groups: number[]): boolean {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const embedded = g6 * 65536 + g7;
  const leadingZeros = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // :: and ::1, and IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) forms by their IPv4 address.
  if (leadingZeros && (g5 === 0 || g5 === 0xffff)) return g5 === 0 && g6 === 0 ? true : privateV4(embedded);
  // NAT64 (64:ff9b::/96 and the local-use 64:ff9b:1::/48): the IPv4 address it reaches.
  if (g0 === 0x64 && g1 === 0xff9b) return g2 === 1 || privateV4(embedded);
  // 6to4 (2002::/16): the IPv4 address in the next 32 bits.
  if (g0 === 0x2002) return privateV4(g1 * 65536 + g2);
  if ((g0 & 0xfe00) === 0xfc00) return true; // unique-local fc00::/7
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((g0 & 0xff00) === 0xff00) return true; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return true; // documentation
  return false;
}

/** Whether an IP address (v4 or v6, as `dns.lookup` or a URL gives it) is not a public one. Not an IP address: false. */
export function isPrivateAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, "");
  const version = isIP(bare.replace(/%.*$/, ""));
  if (version === 4) return privateV4(v4Number(bare));
  if (version === 6) return privateV6(v6Groups(bare));
  return false;
}
