package api

import (
	"html/template"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
)

// The page a phone opens after scanning a pack: in Chinese or English, with the
// manufacturer's company name, dates as dates, and a message that fits the state of the pack
// and its reader (a patient, most often). Every word on it comes from pageText.

// langParam overrides Accept-Language: ?lang=zh or ?lang=en (the page's language switch).
const langParam = "lang"

// pageLanguage is the page's language: ?lang when it names one the page speaks, else the
// most preferred of Accept-Language's that does, else English.
func pageLanguage(c *gin.Context) string {
	if l := c.Query(langParam); pageText[l] != nil {
		return l
	}
	for _, tag := range languages(c.GetHeader("Accept-Language")) {
		primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if pageText[primary] != nil {
			return primary
		}
	}
	return "en"
}

// pageZone is where a language's readers most likely are: the dates are theirs (the page's
// policy allows no script that would read the phone's own zone).
var pageZone = map[string]*time.Location{"zh": time.FixedZone("UTC+8", 8*3600), "en": time.UTC}

// The states the page tells apart, each with its own message (pageText's <state>Head and
// <state>Body).
const (
	stateGenuine     = "genuine"
	stateImplant     = "implant"  // a dispensed device: the patient's implant
	stateMedicine    = "medicine" // a dispensed drug: the patient's medicine
	stateRecalled    = "recalled"
	stateExpired     = "expired"
	stateSuspect     = "suspect" // never commissioned, not as on the ledger, or a suspected clone
	stateUnreadable  = "unreadable"
	stateUnavailable = "unavailable" // genuine, but in transit, quarantined, returned, destroyed…
)

// pageState decides the page's message: a suspected counterfeit first, then a recall (which
// a patient must act on even for a pack already dispensed), then the patient's own pack.
func pageState(v *model.Verification, kind model.ProductKind) string {
	switch {
	case !v.Genuine || v.CloneSuspected:
		return stateSuspect
	case v.Recalled:
		return stateRecalled
	case v.Status == model.StatusDispensed && kind == model.KindDevice:
		return stateImplant // an implant's expiry ended when it was implanted
	case v.Expired:
		return stateExpired
	case v.Status == model.StatusDispensed:
		return stateMedicine
	case v.Sellable:
		return stateGenuine
	}
	return stateUnavailable
}

// stateTone is the verdict's colour; the heading says the same in words.
var stateTone = map[string]string{
	stateGenuine: "ok", stateImplant: "ok", stateMedicine: "ok",
	stateRecalled: "bad", stateExpired: "bad", stateSuspect: "bad", stateUnreadable: "bad", stateUnavailable: "warn",
}

// resolvedView is what the page shows, every word in its language.
type resolvedView struct {
	Lang     string
	T        map[string]string
	Title    string
	Code     string
	Tone     string
	Head     string
	Body     string
	Hotline  string // the regulator's complaint line, for a suspected counterfeit
	Facts    []pageFact
	Recall   *recallNotice
	Links    []pageLink
	SwitchTo pageLink // the same page in the other language
}

type pageFact struct {
	Label string
	Text  string
	Time  *pageTime
}

// pageTime is a date for people (Text) and machines (Machine, RFC 3339).
type pageTime struct {
	Machine string
	Text    string
}

type recallNotice struct {
	ID      string
	Reason  string
	Started *pageTime
}

type pageLink struct {
	Href  string
	Label string
	Lang  string
}

// newView starts a page in lang for the code at path?query (query without lang).
func newView(lang, path, query string) *resolvedView {
	v := &resolvedView{Lang: lang, T: pageText[lang]}
	other := "zh"
	if lang == "zh" {
		other = "en"
	}
	q := langParam + "=" + other
	if query != "" {
		q = query + "&" + q
	}
	v.SwitchTo = pageLink{Href: path + "?" + q, Label: pageText[other]["languageName"], Lang: other}
	return v
}

// state sets the message of state s.
func (v *resolvedView) state(s string) {
	v.Tone, v.Head, v.Body = stateTone[s], v.T[s+"Head"], v.T[s+"Body"]
	if s == stateSuspect || s == stateUnreadable {
		v.Hotline = v.T["hotline"]
	}
}

func (v *resolvedView) fact(key, text string) {
	if text != "" {
		v.Facts = append(v.Facts, pageFact{Label: v.T[key], Text: text})
	}
}

// date renders an ISO date (2027-01-31) or an RFC 3339 time as a date in the reader's zone;
// nil when s is neither.
func (v *resolvedView) date(s string) *pageTime {
	if d, err := model.ParseDate(s); err == nil {
		return &pageTime{Machine: d.Format(model.DateLayout), Text: v.dateText(d)}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil
	}
	local := t.In(pageZone[v.Lang])
	return &pageTime{Machine: local.Format(time.RFC3339), Text: v.dateText(local)}
}

func (v *resolvedView) dateText(t time.Time) string {
	if v.Lang == "zh" {
		return t.Format("2006年1月2日")
	}
	return t.Format("2 January 2006")
}

// verdictView is the page of a resolved code: its product, its manufacturer's name, the
// recall that names it (if any) and the manufacturer's links. Never a holder (ADR 012).
func verdictView(lang string, u *url.URL, r *resolution, maker string, recall *model.Recall, links []resolvedLink) *resolvedView {
	v := newView(lang, u.EscapedPath(), ownQuery(u))
	ver := &r.resolved.Verification
	var kind model.ProductKind
	if r.product != nil {
		kind = r.product.Kind
	}
	v.state(pageState(ver, kind))
	v.Code = r.resolved.Code
	v.Title = ver.ProductName
	if v.Title == "" {
		v.Title = v.T["unknownProduct"]
	}
	if r.product != nil {
		v.fact("model", r.product.Model)
	}
	v.fact("manufacturer", maker)
	v.fact("lot", ver.Lot)
	if d := v.date(ver.ExpiryDate); d != nil {
		v.Facts = append(v.Facts, pageFact{Label: v.T["expiry"], Time: d})
	}
	if ver.Status != "" {
		v.fact("status", v.T["status_"+string(ver.Status)])
	}
	if recall != nil {
		v.Recall = &recallNotice{ID: recall.ID, Reason: recall.Reason, Started: v.date(recall.StartedAt)}
	}
	for _, l := range links {
		label := l.Title
		if label == "" {
			label = v.T["link_"+strings.TrimPrefix(l.Rel, "gs1:")]
		}
		v.Links = append(v.Links, pageLink{Href: l.Href, Label: label, Lang: l.Lang})
	}
	return v
}

// unreadableView is the page of a path that is no Digital Link.
func unreadableView(lang string, u *url.URL) *resolvedView {
	v := newView(lang, u.EscapedPath(), ownQuery(u))
	v.state(stateUnreadable)
	v.Title = v.T["unknownProduct"]
	v.Code = u.Path
	return v
}

// resolvedStyle is the page's one style sheet; its hash is in the page's
// Content-Security-Policy, so it must stay free of template actions. Large type, dark text
// on white (every colour pair at least 4.5:1).
const resolvedStyle = `body{font:1.125rem/1.5 system-ui,sans-serif;color:#1a1a1a;background:#fff;max-width:36em;margin:0 auto;padding:0 1rem}
header{display:flex;justify-content:space-between;align-items:center;padding:.5rem 0;border-bottom:1px solid #767676}
header a{color:#0b4f9c;font-size:1.125rem;padding:.5rem;min-height:44px}
h1{font-size:1.6rem;margin:.8rem 0 .4rem}
.verdict{border-left:.5rem solid;padding:.4rem .9rem;margin:1rem 0;background:#f5f5f5}
.verdict h2{font-size:1.4rem;margin:.2rem 0}
.ok{border-color:#176f2c}.ok h2{color:#176f2c}
.bad{border-color:#b00020}.bad h2{color:#b00020}
.warn{border-color:#8a4a00}.warn h2{color:#8a4a00}
.hotline{font-size:1.3rem;font-weight:bold}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
code{overflow-wrap:anywhere;font-size:1rem}a{color:#0b4f9c}
footer{margin:2rem 0 1rem;font-size:1rem;color:#4a4a4a}`

var resolvedPolicy = pagePolicy(resolvedStyle)

var resolvedTemplate = template.Must(template.New("resolved").Option("missingkey=error").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.T.siteName}}</title>
<style>` + resolvedStyle + `</style></head><body>
<header><span>{{.T.siteName}}</span>
<nav aria-label="{{.T.language}}"><a href="{{.SwitchTo.Href}}" hreflang="{{.SwitchTo.Lang}}" lang="{{.SwitchTo.Lang}}">{{.SwitchTo.Label}}</a></nav></header>
<main>
<h1>{{.Title}}</h1>
<section class="verdict {{.Tone}}" aria-labelledby="verdict" role="status">
<h2 id="verdict">{{.Head}}</h2>
<p>{{.Body}}</p>
{{with .Hotline}}<p class="hotline"><a href="tel:{{.}}">{{.}}</a></p>{{end}}
{{with .Recall}}<p><a href="#recall">{{$.T.recallNoticeLink}}</a></p>{{end}}
</section>
{{with .Recall}}<section aria-labelledby="recall"><h2 id="recall">{{$.T.recallNotice}}</h2>
<dl><dt>{{$.T.recallID}}</dt><dd>{{.ID}}</dd>
{{with .Reason}}<dt>{{$.T.recallReason}}</dt><dd>{{.}}</dd>{{end}}
{{with .Started}}<dt>{{$.T.recallStarted}}</dt><dd><time datetime="{{.Machine}}">{{.Text}}</time></dd>{{end}}</dl></section>{{end}}
<section aria-labelledby="details"><h2 id="details">{{.T.details}}</h2>
<dl>{{range .Facts}}<dt>{{.Label}}</dt><dd>{{with .Time}}<time datetime="{{.Machine}}">{{.Text}}</time>{{else}}{{.Text}}{{end}}</dd>
{{end}}<dt>{{.T.code}}</dt><dd><code>{{.Code}}</code></dd></dl></section>
{{with .Links}}<section aria-labelledby="links"><h2 id="links">{{$.T.fromManufacturer}}</h2>
<ul>{{range .}}<li><a href="{{.Href}}" rel="noopener noreferrer"{{with .Lang}} hreflang="{{.}}"{{end}}>{{.Label}}</a></li>{{end}}</ul></section>{{end}}
</main>
<footer><p>{{.T.footer}}</p></footer>
</body></html>
`))

func (s *server) resolvedPage(c *gin.Context, v *resolvedView) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", resolvedPolicy)
	c.Header("Content-Language", v.Lang)
	if err := resolvedTemplate.Execute(c.Writer, v); err != nil {
		_ = c.Error(err)
	}
}
