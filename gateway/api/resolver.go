package api

import (
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
	// langParam (the page's language) is the page's own, in resolver_page.go.
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
			c.Header("Vary", "Accept, Accept-Language")
			c.Status(http.StatusBadRequest)
			s.resolvedPage(c, unreadableView(pageLanguage(c), c.Request.URL))
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
	var shown []resolvedLink
	for _, l := range links {
		if l.Href != r.self && l.Rel != model.LinkRecallStatus {
			shown = append(shown, l)
		}
	}
	maker, recall, err := s.pageRecords(c, r)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Status(http.StatusOK)
	s.resolvedPage(c, verdictView(pageLanguage(c), c.Request.URL, r, maker, recall, shown))
}

// pageRecords reads, as the resolver identity, what the page adds to the verdict: the
// manufacturer's company name (never a holder's) and the first recall that names the code.
// A record the ledger does not have is left out.
func (s *server) pageRecords(c *gin.Context, r *resolution) (maker string, recall *model.Recall, err error) {
	id, ctx := s.opts.ResolverIdentity, c.Request.Context()
	if r.product != nil && r.product.Manufacturer != "" {
		p, err := evaluateAs(ctx, s, id, ops.GetParty, model.PartyQuery{MSPID: r.product.Manufacturer})
		switch {
		case err == nil:
			maker = p.Name
		case ledger.CodeOf(err) != model.CodeNotFound:
			return "", nil, err
		}
	}
	if ids := r.resolved.Verification.RecallIDs; r.resolved.Verification.Recalled && len(ids) > 0 {
		recall, err = evaluateAs(ctx, s, id, ops.GetRecall, model.RecallQuery{RecallID: ids[0]})
		if err != nil && ledger.CodeOf(err) != model.CodeNotFound {
			return "", nil, err
		}
	}
	return maker, recall, nil
}

// ownQuery is the query of u without the resolver's own keys, as it came.
func ownQuery(u *url.URL) string {
	var keep []string
	for _, kv := range strings.Split(u.RawQuery, "&") {
		k, _, _ := strings.Cut(kv, "=")
		if kv == "" || k == linkTypeParam || k == contextParam || k == langParam {
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
