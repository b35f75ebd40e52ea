package model

import (
	"net/url"
	"regexp"
	"strings"
)

// The links a manufacturer registers for its product, offered by the public GS1 Digital Link
// resolver (ADR 016). Link types are terms of the GS1 Web Vocabulary, written as CURIEs
// ("gs1:epil"); the resolver names them by their full IRI (https://gs1.org/voc/epil) in a
// linkset.

// GS1 Web Vocabulary link types.
const (
	LinkDefault            = "gs1:defaultLink"
	LinkPIP                = "gs1:pip" // product information page
	LinkEPIL               = "gs1:epil"
	LinkCertificationInfo  = "gs1:certificationInfo"
	LinkInstructions       = "gs1:instructions"
	LinkSafetyInfo         = "gs1:safetyInfo"
	LinkSustainabilityInfo = "gs1:sustainabilityInfo"
	LinkRecallStatus       = "gs1:recallStatus"
)

// GS1VocPrefix is the IRI the gs1: prefix stands for.
const GS1VocPrefix = "https://gs1.org/voc/"

// RegistrableLinkTypes are the link types a manufacturer may register. The default link and
// the recall status are the ledger's own: a scan always lands on the ledger's verdict first,
// and whether a pack is recalled is what the ledger says, not a page of the manufacturer's.
var RegistrableLinkTypes = []string{LinkPIP, LinkEPIL, LinkCertificationInfo, LinkInstructions, LinkSafetyInfo, LinkSustainabilityInfo}

// MaxProductLinks bounds the links of one product.
const MaxProductLinks = 32

// ProductLink is one link of a product: a link type, an absolute https URL, and optionally a
// title, the language of the target (BCP 47) and its media type.
type ProductLink struct {
	LinkType string `json:"linkType" validate:"required,max=64"`
	Href     string `json:"href" validate:"required,max=1024"`
	Title    string `json:"title,omitempty" validate:"max=200"`
	Lang     string `json:"hreflang,omitempty" validate:"max=35"`
	Type     string `json:"type,omitempty" validate:"max=100"` // media type of the target, e.g. text/html
}

// ProductLinksRequest replaces the links of a product (product:SetLinks); an empty list
// removes them.
type ProductLinksRequest struct {
	DI    string        `json:"di" validate:"required,max=64,printascii"`
	Links []ProductLink `json:"links" validate:"max=32,dive"`
}

var (
	langTag   = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)
	mediaType = regexp.MustCompile(`^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$`)
)

// RegistrableLinkType reports whether a manufacturer may register links of type lt.
func RegistrableLinkType(lt string) bool {
	for _, r := range RegistrableLinkTypes {
		if r == lt {
			return true
		}
	}
	return false
}

// Validate checks the links: registrable link types, absolute https URLs without user
// information, plain titles, and at most one link per link type and language.
func (r *ProductLinksRequest) Validate() error {
	if r.DI == "" {
		return Invalid("di is required")
	}
	if len(r.Links) > MaxProductLinks {
		return Invalid("product %s: at most %d links, got %d", r.DI, MaxProductLinks, len(r.Links))
	}
	seen := map[string]bool{}
	for i, l := range r.Links {
		if err := l.Validate(); err != nil {
			return Invalid("product %s: link %d: %s", r.DI, i, MessageOf(err.Error()))
		}
		k := l.LinkType + " " + strings.ToLower(l.Lang)
		if seen[k] {
			return Invalid("product %s: two %s links for language %q", r.DI, l.LinkType, l.Lang)
		}
		seen[k] = true
	}
	return nil
}

// Validate checks one link.
func (l *ProductLink) Validate() error {
	switch {
	case l.LinkType == LinkDefault || l.LinkType == LinkRecallStatus:
		return Invalid("%s is the ledger's own link and cannot be registered", l.LinkType)
	case !RegistrableLinkType(l.LinkType):
		return Invalid("link type %q is not one of %s", l.LinkType, strings.Join(RegistrableLinkTypes, ", "))
	}
	if err := ValidHTTPSURL(l.Href); err != nil {
		return err
	}
	if len(l.Title) > 200 || !plainText(l.Title) {
		return Invalid("title must be at most 200 characters without control characters or quotes")
	}
	if l.Lang != "" && (len(l.Lang) > 35 || !langTag.MatchString(l.Lang)) {
		return Invalid("hreflang %q is not a language tag", l.Lang)
	}
	if l.Type != "" && !mediaType.MatchString(l.Type) {
		return Invalid("type %q is not a media type", l.Type)
	}
	return nil
}

// ValidHTTPSURL checks that s is an absolute https URL with a host, without user information,
// of printable ASCII and at most 1024 characters.
func ValidHTTPSURL(s string) error {
	if len(s) > 1024 {
		return Invalid("href is longer than 1024 characters")
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>' || s[i] == '\\' {
			return Invalid("href %q must be printable ASCII without spaces, quotes or angle brackets (percent-encode them)", s)
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return Invalid("href %q is not a URL", s)
	}
	if u.Scheme != "https" || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return Invalid("href %q must be an absolute https URL", s)
	}
	if u.User != nil {
		return Invalid("href %q must have no user information", s)
	}
	return nil
}

// plainText reports whether s has no control characters and no double quotes (titles travel
// in HTTP Link headers).
func plainText(s string) bool {
	for _, r := range s {
		if r < ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '"' || r == '\\' {
			return false
		}
	}
	return true
}
