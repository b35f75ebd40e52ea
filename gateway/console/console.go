// Package console is the web console a gateway serves at /console: people sign in with their
// organisation's API key and get a signed session cookie; the regulator (and a recalling
// manufacturer) follows recalls on a dashboard, owners of cases work their inbox, every
// participant sees its stock and the provenance timeline of a code it may see. Pages are
// rendered on the server (html/template, an embedded style sheet, charts as inline SVG), in
// Chinese or English, without scripts; every read and write is an operation of the catalogue
// (package ops), signed as the session's organisation, so the chaincode decides what it sees
// and may do, as for the REST API.
package console

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/auth"
	"github.com/udiledger/udiledger/gateway/ledger"
)

// Prefix is where the console is served.
const Prefix = "/console"

// Options are what the console needs.
type Options struct {
	// Ledger runs the console's operations (a *ledger.Caller on the gateway's client).
	Ledger ledger.Invoker
	// Keyring holds the API keys people sign in with; operator keys (no identity) cannot.
	Keyring *auth.Keyring
	// Secret signs the session cookies (HMAC-SHA256), at least MinSecretBytes long. Nil means
	// a random secret drawn now: every session then ends when the gateway restarts.
	Secret []byte
	// Secure marks the cookies Secure: the gateway serves HTTPS.
	Secure bool
	// Now is the clock of sessions and charts; nil means time.Now.
	Now func() time.Time
}

// console holds what the handlers share.
type console struct {
	ledger ledger.Invoker
	keys   *auth.Keyring
	sign   *signer
	secure bool
	now    func() time.Time
}

// Mount serves the console under Prefix on r.
func Mount(r gin.IRouter, o Options) error {
	sign, err := newSigner(o.Secret)
	if err != nil {
		return err
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Keyring == nil {
		o.Keyring = auth.NewKeyring()
	}
	c := &console{ledger: o.Ledger, keys: o.Keyring, sign: sign, secure: o.Secure, now: o.Now}
	g := r.Group(Prefix, pageHeaders)
	g.GET("/login", c.loginForm)
	g.POST("/login", c.login)
	in := g.Group("", c.requireSession)
	in.GET("", c.home)
	in.GET("/", c.home)
	in.POST("/logout", c.csrf, c.logout)
	in.GET("/recalls", c.recalls)
	in.GET("/recalls/:id", c.recall)
	in.GET("/cases", c.cases)
	in.POST("/cases/:id/:action", c.csrf, c.caseAction)
	in.GET("/stock", c.stock)
	in.GET("/timeline", c.timeline)
	return nil
}

// pageHeaders sets the pages' policy: the embedded style sheet by its hash, forms to the
// console only, no scripts, frames or other resources; nothing cached.
func pageHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", pagePolicy)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

// user is who a request acts as, once signed in.
type user struct {
	principal *auth.Principal
	cookie    string // the session cookie's value, from which CSRF tokens derive
}

const userKey = "console-user"

func userOf(c *gin.Context) *user {
	u, _ := c.Get(userKey)
	uu, _ := u.(*user)
	return uu
}

// requireSession lets requests with a valid session through; others go to the login form.
func (s *console) requireSession(c *gin.Context) {
	if u := s.sessionOf(c); u != nil {
		c.Set(userKey, u)
		c.Next()
		return
	}
	c.Redirect(http.StatusSeeOther, Prefix+"/login")
	c.Abort()
}

// sessionOf is the request's user, or nil when its cookie is missing, forged, expired, or
// its key no longer known.
func (s *console) sessionOf(c *gin.Context) *user {
	value, err := c.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	ses, err := s.sign.open(value, s.now())
	if err != nil {
		return nil
	}
	p, ok := s.keys.LookupHash(ses.KeyHash)
	if !ok || p.Identity == nil || p.Name != ses.Name {
		return nil
	}
	return &user{principal: p, cookie: value}
}

// csrf refuses a form whose token is not the session's.
func (s *console) csrf(c *gin.Context) {
	u := userOf(c)
	if u == nil || !s.sign.checkCSRF("session", u.cookie, c.PostForm("csrf")) {
		s.message(c, http.StatusForbidden, "csrfRefused")
		c.Abort()
		return
	}
	c.Next()
}

func (s *console) setCookie(c *gin.Context, name, value string, ttl time.Duration) {
	// #nosec G124 -- HttpOnly and SameSite=Strict always; Secure when the gateway serves TLS
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: Prefix, MaxAge: int(ttl / time.Second),
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteStrictMode})
}

// language is the page's: ?lang when the console speaks it (remembered in a cookie), else
// the cookie's, else the most preferred of Accept-Language's, else English.
func (s *console) language(c *gin.Context) string {
	if l := c.Query("lang"); text[l] != nil {
		s.setCookie(c, langCookie, l, 365*24*time.Hour)
		return l
	}
	if l, err := c.Cookie(langCookie); err == nil && text[l] != nil {
		return l
	}
	for _, tag := range acceptLanguages(c.GetHeader("Accept-Language")) {
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if text[primary] != nil {
			return primary
		}
	}
	return "en"
}

// acceptLanguages lists an Accept-Language header's tags, most preferred first.
func acceptLanguages(header string) []string {
	type tagQ struct {
		tag string
		q   float64
	}
	var tags []tagQ
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		if tag = strings.TrimSpace(tag); tag != "" && tag != "*" && q > 0 {
			tags = append(tags, tagQ{tag, q})
		}
	}
	out := make([]string, 0, len(tags))
	for len(tags) > 0 { // a stable selection by q: headers are short
		best := 0
		for i, t := range tags {
			if t.q > tags[best].q {
				best = i
			}
		}
		out = append(out, tags[best].tag)
		tags = append(tags[:best], tags[best+1:]...)
	}
	return out
}

// parseQ reads a quality value (0, 0.5, 1.000); anything else is 0.
func parseQ(v string) float64 {
	whole, frac, _ := strings.Cut(v, ".")
	if whole != "0" && whole != "1" || len(frac) > 3 {
		return 0
	}
	q, scale := float64(whole[0]-'0'), 0.1
	for _, d := range frac {
		if d < '0' || d > '9' {
			return 0
		}
		q += float64(d-'0') * scale
		scale /= 10
	}
	return min(q, 1)
}

// switchLink is the same page in the other language.
func switchLink(u *url.URL, lang string) link {
	other := "zh"
	if lang == "zh" {
		other = "en"
	}
	q := u.Query()
	q.Set("lang", other)
	return link{Href: u.Path + "?" + q.Encode(), Label: text[other]["languageName"], Lang: other}
}

// statusOf is the HTTP status of a ledger error: the chaincode's code, else 502, or 503
// when the ledger cannot be reached.
func statusOf(err error) int {
	switch ledger.CodeOf(err) {
	case model.CodeNotFound:
		return http.StatusNotFound
	case model.CodeForbidden:
		return http.StatusForbidden
	case model.CodeConflict:
		return http.StatusConflict
	case model.CodeInvalid:
		return http.StatusUnprocessableEntity
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return http.StatusServiceUnavailable
	}
	return http.StatusBadGateway
}
