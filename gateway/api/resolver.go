package api

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/chaincode/ops"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The GS1 Digital Link resolver: a phone that scans a pack's QR code
// (https://<gateway>/01/<gtin>/10/<lot>/21/<serial>?17=<expiry>) lands here without an API
// key. It reads as the gateway's resolver identity and shows only what a patient may see:
// the verification and the steps of the unit's journey, not the counterparties' documents.

// Resolved is the resolver's answer to anyone who scans a pack: whether the code is genuine
// and may be used (ADR 012). Who holds it and where it has been are not the public's to know.
type Resolved struct {
	Code         string             `json:"code"`
	Verification model.Verification `json:"verification"` // without its owner
}

func (s *server) resolve(c *gin.Context) {
	link := "https://resolver.invalid" + c.Request.URL.Path
	if q := c.Request.URL.RawQuery; q != "" {
		link += "?" + q
	}
	if _, err := identifier.Parse(link); err != nil {
		p := problem.Invalid("not a GS1 Digital Link: "+err.Error(), problem.FieldError{Field: "path", Reason: err.Error()})
		if wantsHTML(c) {
			c.Status(http.StatusBadRequest)
			s.resolvedPage(c, &Resolved{Code: c.Request.URL.Path, Verification: model.Verification{Reasons: []string{p.Detail}}})
			return
		}
		problem.Write(c, p)
		return
	}
	id := s.opts.ResolverIdentity
	ctx := c.Request.Context()
	v, err := evaluateAs(ctx, s, id, ops.Verify, model.CodeQuery{Code: link})
	if err != nil {
		s.fail(c, err)
		return
	}
	out := Resolved{Code: v.Key, Verification: *v}
	out.Verification.Owner = ""
	if wantsHTML(c) {
		c.Status(http.StatusOK)
		s.resolvedPage(c, &out)
		return
	}
	c.JSON(http.StatusOK, out)
}

// wantsHTML reports whether a browser asked: Accept names text/html before any JSON type.
func wantsHTML(c *gin.Context) bool {
	accept := c.GetHeader("Accept")
	h := strings.Index(accept, "text/html")
	j := strings.Index(accept, "json")
	return h >= 0 && (j < 0 || h < j)
}

// resolvedStyle is the page's one style sheet; its hash is in the page's
// Content-Security-Policy, so it must stay free of template actions.
const resolvedStyle = `body{font-family:sans-serif;max-width:36em;margin:1em auto;padding:0 1em}
.ok{color:#176f2c}.bad{color:#b00020}td{padding:.2em .6em .2em 0}`

var resolvedPolicy = pagePolicy(resolvedStyle)

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
</body></html>
`))

func (s *server) resolvedPage(c *gin.Context, r *Resolved) {
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Header("Content-Security-Policy", resolvedPolicy)
	if err := resolvedTemplate.Execute(c.Writer, r); err != nil {
		_ = c.Error(err)
	}
}
