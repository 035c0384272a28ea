package server

import "net/netip"

// StripeWebhookIPs are the addresses Stripe documents as the sources of its
// webhook deliveries (published at https://stripe.com/files/ips/ips_webhooks.txt
// and on the "Domains and IP addresses" page of Stripe's docs). This is data,
// not logic: Stripe changes the list with notice, so refresh it from that
// file rather than editing addresses by hand.
var StripeWebhookIPs = []string{
	"3.18.12.63",
	"3.130.192.231",
	"13.235.14.237",
	"13.235.122.149",
	"18.211.135.69",
	"35.154.171.200",
	"52.15.183.38",
	"54.88.130.119",
	"54.88.130.237",
	"54.187.174.169",
	"54.187.205.235",
	"54.187.216.72",
}

// StripeWebhookPrefixes returns StripeWebhookIPs as single-address prefixes.
func StripeWebhookPrefixes() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(StripeWebhookIPs))
	for _, s := range StripeWebhookIPs {
		a := netip.MustParseAddr(s)
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out
}

// ParseAllow reads an allowlist of addresses and CIDR ranges, such as
// "127.0.0.1,10.0.0.0/8".
func ParseAllow(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}
