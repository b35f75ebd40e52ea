package api

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The GS1 Digital Link resolver: a phone that scans a pack's QR code
// (https://<gateway>/01/<gtin>/10/<lot>/21/<serial>?17=<expiry>) lands here without an API
// key. It reads as the gateway's resolver identity and shows only what a patient may see:
// whether the code is genuine and may be used, never who holds it (ADR 012).
//
// It is a GS1-Conformant resolver (ADR 016): ?linkType=gs1:xxx redirects (307) to the link
// of that type, ?linkType=linkset (or all, or Accept: application/linkset+json) answers the
// linkset (RFC 9264), and every answer names the linkset in a Link header. The links are the
// ledger's own — the default link and the product information page are the verdict page
// itself, gs1:recallStatus the verdict as JSON — and those the product's manufacturer
// registered on the ledger (product:SetLinks).

// Resolved is the resolver's answer to anyone who scans a pack: whether the code is genuine
// and may be used (ADR 012). Who holds it and where it has been are not the public's to know.
type Resolved struct {
	Code         string             `json:"code"`
	Verification model.Verification `json:"verification"` // without its owner
}

// LinksetContentType is the media type of a linkset in JSON (RFC 9264).
const LinksetContentType = "application/linkset+json"

// The resolver's own query keys; every other key is part of the Digital Link (numeric keys
// are its data attributes).
const (
	linkTypeParam = "linkType"
	contextParam  = "context" // GS1's context negotiation: accepted, not used
)

// resolution is what the resolver knows of one Digital Link.
type resolution struct {
	anchor   string // the item on this resolver: its Digital Link path, without query
	self     string // anchor with the Digital Link's own query (data attributes): the verdict page
	resolved Resolved
	product  *model.Product // nil when the product is not registered
}

func (s *server) resolve(c *gin.Context) {
	own := ownQuery(c.Request.URL)
	link := "https://resolver.invalid" + c.Request.URL.EscapedPath()
	if own != "" {
		link += "?" + own
	}
	code, err := s.codes.parse(link)
	if err != nil {
		p := problem.Invalid("not a GS1 Digital Link: "+err.Error(), problem.FieldError{Field: "path", Reason: err.Error()})
		if wantsHTML(c) {
			c.Status(http.StatusBadRequest)
			s.resolvedPage(c, &resolvedView{Resolved: Resolved{Code: c.Request.URL.Path, Verification: model.Verification{Reasons: []string{p.Detail}}}})
			return
		}
		problem.Write(c, p)
		return
	}
	r := resolution{anchor: s.resolverRoot(c) + c.Request.URL.EscapedPath()}
	r.self = r.anchor
	if own != "" {
		r.self += "?" + own
	}
	id := s.opts.ResolverIdentity
	ctx := c.Request.Context()
	v, err := evaluateAs(ctx, s, id, ops.Verify, model.CodeQuery{Code: link})
	if err != nil {
		s.fail(c, err)
		return
	}
	r.resolved = Resolved{Code: v.Key, Verification: *v}
	r.resolved.Verification.Owner = ""
	if code.GTIN != "" {
		p, err := evaluateAs(ctx, s, id, ops.GetProduct, model.ProductQuery{DI: code.GTIN})
		switch {
		case err == nil:
			r.product = p
		case ledger.CodeOf(err) != model.CodeNotFound:
			s.fail(c, err)
			return
		}
	}
	links := r.links()
	c.Header("Vary", "Accept, Accept-Language")
	c.Header("Link", linkHeader(r.anchor, links))

	lt, asked := c.GetQuery(linkTypeParam)
	lt = normalLinkType(lt)
	switch {
	case asked && (lt == "all" || lt == "linkset"), !asked && wantsLinkset(c):
		c.Header("Content-Type", LinksetContentType)
		c.JSON(http.StatusOK, r.linkset(links))
	case !asked || lt == "":
		s.verdict(c, &r, links)
	case lt == model.LinkRecallStatus:
		c.JSON(http.StatusOK, r.resolved)
	default:
		target, ok := pick(links, lt, c.GetHeader("Accept-Language"))
		if !ok {
			problem.Write(c, problem.NotFound("no "+lt+" link for "+r.anchor+"; ?linkType=linkset lists the links there are"))
			return
		}
		c.Redirect(http.StatusTemporaryRedirect, target.Href)
	}
}

// verdict answers the verdict itself: the page for browsers, JSON for the others.
func (s *server) verdict(c *gin.Context, r *resolution, links []resolvedLink) {
	if !wantsHTML(c) {
		c.JSON(http.StatusOK, r.resolved)
		return
	}
	view := resolvedView{Resolved: r.resolved}
	for _, l := range links {
		if l.Href != r.self && l.Rel != model.LinkRecallStatus {
			view.Links = append(view.Links, l)
		}
	}
	c.Status(http.StatusOK)
	s.resolvedPage(c, &view)
}

// ownQuery is the query of u without the resolver's own keys, as it came.
func ownQuery(u *url.URL) string {
	var keep []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if kv == "" || k == linkTypeParam || k == contextParam {
			continue
		}
		keep = append(keep, kv)
	}
	return strings.Join(keep, "&")
}

// resolverRoot is the resolver's public root: Options.ResolverRoot, or the scheme and host
// the request came to.
func (s *server) resolverRoot(c *gin.Context) string {
	if s.opts.ResolverRoot != "" {
		return strings.TrimSuffix(s.opts.ResolverRoot, "/")
	}
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.Request.Host
}

// wantsHTML reports whether a browser asked: Accept names text/html before any JSON type.
func wantsHTML(c *gin.Context) bool {
	accept := c.GetHeader("Accept")
	h := strings.Index(accept, "text/html")
	j := strings.Index(accept, "json")
	return h >= 0 && (j < 0 || h < j)
}

// wantsLinkset reports whether Accept names the linkset's media type before any other JSON or
// HTML.
func wantsLinkset(c *gin.Context) bool {
	accept := c.GetHeader("Accept")
	l := strings.Index(accept, LinksetContentType)
	if l < 0 {
		return false
	}
	for _, other := range []string{"text/html", "application/json"} {
		if i := strings.Index(accept, other); i >= 0 && i < l {
			return false
		}
	}
	return true
}

// resolvedStyle is the page's one style sheet; its hash is in the page's
// Content-Security-Policy, so it must stay free of template actions.
const resolvedStyle = `body{font-family:sans-serif;max-width:36em;margin:1em auto;padding:0 1em}
.ok{color:#176f2c}.bad{color:#b00020}td{padding:.2em .6em .2em 0}`

var resolvedPolicy = pagePolicy(resolvedStyle)

// resolvedView is what the page shows: the verdict, and the links the manufacturer registered.
type resolvedView struct {
	Resolved
	Links []resolvedLink
}

var resolvedTemplate = template.Must(template.New("resolved").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{with .Verification.ProductName}}{{.}} – {{end}}UDI Ledger</title>
<style>` + resolvedStyle + `</style></head><body>
<h1>{{with .Verification.ProductName}}{{.}}{{else}}Unknown product{{end}}</h1>
<p><code>{{.Code}}</code></p>
{{if .Verification.Sellable}}<p class="ok"><strong>Genuine, may be used.</strong></p>
{{else}}<p class="bad"><strong>Do not use without checking with your pharmacist.</strong></p>{{end}}
<table>
<tr><td>Genuine</td><td>{{if .Verification.Genuine}}yes{{else}}no{{end}}</td></tr>
{{with .Verification.Status}}<tr><td>Status</td><td>{{.}}</td></tr>{{end}}
{{with .Verification.Lot}}<tr><td>Lot</td><td>{{.}}</td></tr>{{end}}
{{with .Verification.ExpiryDate}}<tr><td>Expiry</td><td>{{.}}</td></tr>{{end}}
<tr><td>Recalled</td><td>{{if .Verification.Recalled}}yes{{else}}no{{end}}</td></tr>
</table>
{{with .Verification.Reasons}}<ul>{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{with .Links}}<h2>From the manufacturer</h2>
<ul>{{range .}}<li><a href="{{.Href}}" rel="noopener noreferrer"{{with .Lang}} hreflang="{{.}}"{{end}}>{{.Label}}</a></li>{{end}}</ul>{{end}}
</body></html>
`))

func (s *server) resolvedPage(c *gin.Context, r *resolvedView) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", resolvedPolicy)
	if err := resolvedTemplate.Execute(c.Writer, r); err != nil {
		_ = c.Error(err)
	}
}

// resolverDescription is the resolver's description file, at /.well-known/gs1resolver as the
// GS1-Conformant resolver standard places it.
type resolverDescription struct {
	Name                        string              `json:"name"`
	ResolverRoot                string              `json:"resolverRoot"`
	SupportedPrimaryKeys        []string            `json:"supportedPrimaryKeys"`
	SupportedLinkType           []linkTypeNamespace `json:"supportedLinkType"`
	LinkTypeDefaultCanBeLinkset bool                `json:"linkTypeDefaultCanBeLinkset"`
}

type linkTypeNamespace struct {
	Namespace string `json:"namespace"`
	Prefix    string `json:"prefix"`
}

func (s *server) resolverInfo(c *gin.Context) {
	c.JSON(http.StatusOK, resolverDescription{
		Name:                 "UDI Ledger",
		ResolverRoot:         s.resolverRoot(c),
		SupportedPrimaryKeys: []string{"01"},
		SupportedLinkType:    []linkTypeNamespace{{Namespace: model.GS1VocPrefix, Prefix: "gs1:"}},
	})
}
