package api

import (
	"sort"
	"strconv"
	"strings"

	"github.com/udiledger/udiledger/chaincode/model"
)

// resolvedLink is one link the resolver offers for an item.
type resolvedLink struct {
	Rel   string // link type as a CURIE, gs1:epil
	Href  string
	Title string
	Type  string // media type of the target
	Lang  string // language of the target (BCP 47)
}

// Label is the text of the link on the page.
func (l resolvedLink) Label() string {
	if l.Title != "" {
		return l.Title
	}
	return linkTypeNames[l.Rel]
}

// linkTypeNames are the GS1 Web Vocabulary's labels of the link types the resolver knows.
var linkTypeNames = map[string]string{
	model.LinkDefault:            "Default link",
	model.LinkPIP:                "Product information page",
	model.LinkEPIL:               "Electronic patient information leaflet",
	model.LinkCertificationInfo:  "Certification information",
	model.LinkInstructions:       "Instructions",
	model.LinkSafetyInfo:         "Safety information",
	model.LinkSustainabilityInfo: "Sustainability information",
	model.LinkRecallStatus:       "Recall status",
}

// links lists the item's links: the ledger's own, then those the manufacturer registered.
// The product information page is the manufacturer's when it registered one, else the
// verdict page.
func (r *resolution) links() []resolvedLink {
	name := r.resolved.Verification.ProductName
	verdict := "Is this pack genuine, and may it be used?"
	if name != "" {
		verdict = name + ": " + verdict
	}
	out := []resolvedLink{{Rel: model.LinkDefault, Href: r.self, Title: verdict, Type: "text/html"}}
	var registered []model.ProductLink
	if r.product != nil {
		registered = r.product.Links
	}
	hasPIP := false
	for _, l := range registered {
		hasPIP = hasPIP || l.LinkType == model.LinkPIP
	}
	if !hasPIP {
		title := "Product information"
		if name != "" {
			title = name
		}
		out = append(out, resolvedLink{Rel: model.LinkPIP, Href: r.self, Title: title, Type: "text/html"})
	}
	recall := r.self + "?"
	if strings.Contains(r.self, "?") {
		recall = r.self + "&"
	}
	out = append(out, resolvedLink{Rel: model.LinkRecallStatus, Href: recall + linkTypeParam + "=" + model.LinkRecallStatus,
		Title: "Recall status", Type: "application/json"})
	for _, l := range registered {
		out = append(out, resolvedLink{Rel: l.LinkType, Href: l.Href, Title: l.Title, Type: l.Type, Lang: l.Lang})
	}
	return out
}

// linkTarget is one target object of a linkset (RFC 9264 section 4.2.2).
type linkTarget struct {
	Href     string   `json:"href"`
	Title    string   `json:"title,omitempty"`
	Type     string   `json:"type,omitempty"`
	Hreflang []string `json:"hreflang,omitempty"`
}

// linkset is the linkset document of the item: one link context, its anchor, with the
// targets of each link type under the type's IRI, as GS1-Conformant resolvers answer.
func (r *resolution) linkset(links []resolvedLink) map[string]any {
	ctx := map[string]any{"anchor": r.anchor}
	if name := r.resolved.Verification.ProductName; name != "" {
		ctx["description"] = name
	}
	for _, l := range links {
		iri := linkTypeIRI(l.Rel)
		t := linkTarget{Href: l.Href, Title: l.Title, Type: l.Type}
		if l.Lang != "" {
			t.Hreflang = []string{l.Lang}
		}
		list, _ := ctx[iri].([]linkTarget)
		ctx[iri] = append(list, t)
	}
	return map[string]any{"linkset": []any{ctx}}
}

// maxLinkHeader bounds the Link header: the links that do not fit are left to the linkset.
const maxLinkHeader = 4096

// linkHeader is the Link header of every answer (RFC 8288): the linkset first, then the
// links while they fit.
func linkHeader(anchor string, links []resolvedLink) string {
	parts := []string{"<" + anchor + "?" + linkTypeParam + "=linkset>; rel=\"linkset\"; type=\"" + LinksetContentType + "\""}
	n := len(parts[0])
	for _, l := range links {
		p := "<" + l.Href + ">; rel=\"" + linkTypeIRI(l.Rel) + "\""
		if l.Type != "" {
			p += "; type=\"" + l.Type + "\""
		}
		if l.Lang != "" {
			p += "; hreflang=\"" + l.Lang + "\""
		}
		if l.Title != "" {
			p += "; " + titleParam(l.Title)
		}
		if n+2+len(p) > maxLinkHeader {
			break
		}
		parts = append(parts, p)
		n += 2 + len(p)
	}
	return strings.Join(parts, ", ")
}

// titleParam is a Link header title: quoted when ASCII, else title* in UTF-8 (RFC 8187).
// Titles hold no quotes, backslashes or control characters (model.ProductLink.Validate).
func titleParam(title string) string {
	for i := 0; i < len(title); i++ {
		if title[i] >= 0x7f || title[i] < ' ' || title[i] == '"' || title[i] == '\\' {
			return "title*=UTF-8''" + attrEncode(title)
		}
	}
	return "title=\"" + title + "\""
}

// attrEncode percent-encodes every byte of s but RFC 8187's attr-char.
func attrEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)>>4, 16)) + strings.ToUpper(strconv.FormatUint(uint64(c)&15, 16)))
	}
	return b.String()
}

// linkTypeIRI is the IRI of a gs1: link type.
func linkTypeIRI(curie string) string {
	if rest, ok := strings.CutPrefix(curie, "gs1:"); ok {
		return model.GS1VocPrefix + rest
	}
	return curie
}

// gs1VocIRIs are the forms of the GS1 Web Vocabulary's namespace a linkType may be given in.
var gs1VocIRIs = []string{model.GS1VocPrefix, "http://gs1.org/voc/", "https://www.gs1.org/voc/", "http://www.gs1.org/voc/", "https://ref.gs1.org/voc/"}

// normalLinkType turns a linkType value into its CURIE, gs1:epil.
func normalLinkType(lt string) string {
	lt = strings.TrimSpace(lt)
	for _, p := range gs1VocIRIs {
		if rest, ok := strings.CutPrefix(lt, p); ok {
			return "gs1:" + rest
		}
	}
	return lt
}

// pick chooses the link of type rel that best fits the Accept-Language header: one in the
// most preferred language the header names, else one without a language, else the first.
func pick(links []resolvedLink, rel, acceptLanguage string) (resolvedLink, bool) {
	var of []resolvedLink
	for _, l := range links {
		if l.Rel == rel {
			of = append(of, l)
		}
	}
	if len(of) == 0 {
		return resolvedLink{}, false
	}
	for _, tag := range languages(acceptLanguage) {
		for _, l := range of {
			if strings.EqualFold(l.Lang, tag) {
				return l, true
			}
		}
		primary, _, _ := strings.Cut(tag, "-")
		for _, l := range of {
			lp, _, _ := strings.Cut(l.Lang, "-")
			if l.Lang != "" && strings.EqualFold(lp, primary) {
				return l, true
			}
		}
	}
	for _, l := range of {
		if l.Lang == "" {
			return l, true
		}
	}
	return of[0], true
}

// languages lists the language tags of an Accept-Language header, most preferred first;
// those with q=0 and the wildcard are left out.
func languages(header string) []string {
	type tagQ struct {
		tag string
		q   float64
	}
	var tags []tagQ
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		tag = strings.TrimSpace(tag)
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if tag == "" || tag == "*" || q <= 0 {
			continue
		}
		tags = append(tags, tagQ{tag, q})
	}
	sort.SliceStable(tags, func(i, j int) bool { return tags[i].q > tags[j].q })
	out := make([]string, len(tags))
	for i, t := range tags {
		out[i] = t.tag
	}
	return out
}

// linksetSchema is the shape of the resolver's linkset in the OpenAPI document: one link
// context with its anchor, each link type's targets under the type's IRI.
var linksetSchema = map[string]any{
	"type": "object", "required": []string{"linkset"},
	"properties": map[string]any{"linkset": map[string]any{
		"type": "array",
		"items": map[string]any{
			"type": "object", "required": []string{"anchor"},
			"properties": map[string]any{"anchor": str, "description": str},
			"additionalProperties": map[string]any{"type": "array", "items": map[string]any{
				"type": "object", "required": []string{"href"},
				"properties": map[string]any{"href": str, "title": str, "type": str,
					"hreflang": map[string]any{"type": "array", "items": str}},
			}},
		},
	}},
}
