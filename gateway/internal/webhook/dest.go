package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"
)

// Webhook destinations are outbound calls the gateway makes on a client's word: unless the
// gateway allows private destinations, a destination must be https and reach only public
// addresses (no loopback, private, link-local, shared, multicast or unspecified address),
// checked when the webhook is registered and again on every connection (DNS may change).

var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 reaches IPv4 inside
}

// PublicAddr reports whether a is a public unicast address.
func PublicAddr(a netip.Addr) bool {
	a = a.Unmap()
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsMulticast() || a.IsInterfaceLocalMulticast() || a.IsUnspecified() || !a.IsGlobalUnicast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// ErrDestination refuses a webhook destination.
var ErrDestination = errors.New("webhook: destination refused")

// CheckDest checks a webhook destination URL.
func CheckDest(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return fmt.Errorf("%w: %q is not an absolute URL", ErrDestination, raw)
	case u.User != nil:
		return fmt.Errorf("%w: a destination carries no user information", ErrDestination)
	case len(raw) > 2000:
		return fmt.Errorf("%w: longer than 2000 characters", ErrDestination)
	case u.Scheme == "https":
	case u.Scheme == "http" && allowPrivate:
	default:
		return fmt.Errorf("%w: the scheme must be https", ErrDestination)
	}
	if allowPrivate {
		return nil
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if !PublicAddr(a) {
			return fmt.Errorf("%w: %s is not a public address", ErrDestination, host)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return fmt.Errorf("%w: %s does not resolve: %w", ErrDestination, host, err)
	}
	for _, a := range addrs {
		if !PublicAddr(a) {
			return fmt.Errorf("%w: %s resolves to %s, not a public address", ErrDestination, host, a)
		}
	}
	return nil
}

// Client posts webhooks: no proxy, no redirects, and connections only to the addresses
// allowed (nil: any address).
func Client(allowed func(netip.Addr) bool, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	if allowed != nil {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !allowed(ap.Addr().Unmap()) {
				return fmt.Errorf("%w: %s is not a public address", ErrDestination, address)
			}
			return nil
		}
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConnsPerHost: 2, IdleConnTimeout: 90 * time.Second},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
