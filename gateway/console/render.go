package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/ledger"
)

//go:embed templates/*.html style.css
var files embed.FS

// style is the console's one style sheet, allowed by its hash.
var style = mustRead("style.css")

var pagePolicy = func() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}()

func mustRead(name string) string {
	b, err := files.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// pages are the console's templates by name, each with the layout.
var pages = func() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range []string{"login", "message", "recalls", "recall", "cases", "stock", "timeline"} {
		out[name] = template.Must(template.New("layout.html").Option("missingkey=error").
			ParseFS(files, "templates/layout.html", "templates/"+name+".html"))
	}
	return out
}()

// link is an anchor of a page.
type link struct {
	Href    string
	Label   string
	Lang    string
	Current bool
}

// page is what every page shows around its own content (Data).
type page struct {
	Lang     string
	T        words
	Style    template.CSS
	Title    string
	SwitchTo link
	User     string // the signed-in organisation's name; empty on the login form
	Nav      []link
	CSRF     string
	Notice   string // what an action did
	Alert    string // what went wrong
	Data     any
}

// newPage starts a page titled by titleKey for the request's user (if signed in), with the
// party directory for names.
func (s *console) newPage(c *gin.Context, titleKey string) (*page, *directory) {
	lang := s.language(c)
	p := &page{Lang: lang, T: text[lang], SwitchTo: switchLink(c.Request.URL, lang),
		Style: template.CSS(style)} // #nosec G203 -- the embedded style sheet, no input
	p.Title = p.T.get(titleKey)
	u := userOf(c)
	if u == nil {
		return p, &directory{}
	}
	dir := s.directory(c, u)
	p.User = dir.name(u.principal.Identity.MSPID)
	p.CSRF = s.sign.csrf("session", u.cookie)
	path := c.Request.URL.Path
	for _, n := range []struct{ key, href string }{
		{"navRecalls", "/recalls"}, {"navCases", "/cases"}, {"navStock", "/stock"}, {"navTimeline", "/timeline"},
	} {
		if n.key == "navRecalls" && !dir.seesRecalls(u) {
			continue
		}
		href := Prefix + n.href
		p.Nav = append(p.Nav, link{Href: href, Label: p.T.get(n.key), Current: path == href || len(path) > len(href) && path[:len(href)+1] == href+"/"})
	}
	return p, dir
}

// render writes the page name with status.
func render(c *gin.Context, status int, name string, p *page) {
	var buf bytes.Buffer
	if err := pages[name].Execute(&buf, p); err != nil {
		_ = c.Error(err)
		c.String(http.StatusInternalServerError, "console: %v", err)
		return
	}
	c.Header("Content-Language", p.Lang)
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

// message answers a page with only a message of the catalogue.
func (s *console) message(c *gin.Context, status int, key string) {
	p, _ := s.newPage(c, "siteName")
	p.Alert = p.T.get(key)
	render(c, status, "message", p)
}

// failed answers a page for a ledger error: what the chaincode said, or that it cannot be
// reached.
func (s *console) failed(c *gin.Context, p *page, err error) {
	status := statusOf(err)
	switch status {
	case http.StatusNotFound:
		p.Alert = p.T.get("notFound")
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		p.Alert = p.T.get("unavailable")
		_ = c.Error(err)
	default:
		p.Alert = refusal(p.T, err)
	}
	render(c, status, "message", p)
}

// refusal is the chaincode's message about err, as the user reads it.
func refusal(t words, err error) string {
	msg := err.Error()
	var ce *ledger.ChaincodeError
	if errors.As(err, &ce) {
		msg = ce.Message
	}
	return fmt.Sprintf(t.get("refused"), msg)
}

// when is a time for people, in the zone of the page's language readers, and for machines.
type when struct {
	Machine string
	Text    string
}

// zones are where a language's readers most likely are.
var zones = map[string]*time.Location{"zh": time.FixedZone("UTC+8", 8*3600), "en": time.UTC}

// timeOf renders an RFC 3339 time; nil when s is none.
func timeOf(lang, s string) *when {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	return &when{Machine: t.UTC().Format(time.RFC3339), Text: timeText(lang, t)}
}

func timeText(lang string, t time.Time) string {
	t = t.In(zones[lang])
	if lang == "zh" {
		return t.Format("2006年1月2日 15:04")
	}
	return t.Format("2 Jan 2006 15:04")
}

// directory names parties and places: the party records the user may read.
type directory struct {
	parties map[string]model.Party
	places  map[string]string // GLN -> "location name, party name"
}

// directory reads every party (a few pages at most), or returns what it could.
func (s *console) directory(c *gin.Context, u *user) *directory {
	d := &directory{parties: map[string]model.Party{}, places: map[string]string{}}
	bookmark := ""
	for range 20 {
		r, err := ledger.Do(c, s.ledger, u.principal.Identity, ops.ListParties, model.PageQuery{PageSize: model.MaxPageSize, Bookmark: bookmark})
		if err != nil {
			_ = c.Error(err)
			break
		}
		for _, p := range r.Value.Parties {
			d.parties[p.MSPID] = p
			for _, l := range p.Locations {
				d.places[l.GLN] = joinNonEmpty(", ", l.Name, p.Name)
			}
		}
		if bookmark = r.Value.Bookmark; bookmark == "" || len(r.Value.Parties) == 0 {
			break
		}
	}
	return d
}

// name is a party's name, or its MSP ID when the directory has none.
func (d *directory) name(msp string) string {
	if p, ok := d.parties[msp]; ok && p.Name != "" {
		return p.Name
	}
	return msp
}

// place is a location's name, or its GLN.
func (d *directory) place(gln string) string {
	if n := d.places[gln]; n != "" {
		return n
	}
	return gln
}

// is reports whether the user's organisation has role.
func (d *directory) is(u *user, role model.Role) bool {
	p, ok := d.parties[u.principal.Identity.MSPID]
	return ok && p.HasRole(role)
}

// seesRecalls: the regulator follows every recall, a manufacturer its own.
func (d *directory) seesRecalls(u *user) bool {
	return d.is(u, model.RoleRegulator) || d.is(u, model.RoleManufacturer)
}

// joinNonEmpty joins the parts that are not empty.
func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
