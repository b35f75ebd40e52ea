package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/udiledger/udiledger/chaincode/model"
)

// direct sends a public request without following redirects, as a resolver's client sees the
// answer itself.
func (w *world) direct(method, path string, headers ...string) resp {
	w.t.Helper()
	req, err := http.NewRequest(method, w.srv.URL+path, nil)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	client := *w.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, body: body}
}

// linksetDoc is a linkset as GS1-Conformant resolvers answer it: one link context.
type linksetDoc struct {
	Linkset []map[string]json.RawMessage `json:"linkset"`
}

type target struct {
	Href     string   `json:"href"`
	Title    string   `json:"title"`
	Type     string   `json:"type"`
	Hreflang []string `json:"hreflang"`
}

// targets are the targets of one link type (its IRI) in a linkset.
func (d linksetDoc) targets(t *testing.T, iri string) []target {
	t.Helper()
	raw, ok := d.Linkset[0][iri]
	if !ok {
		return nil
	}
	var out []target
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%s: %v", iri, err)
	}
	return out
}

func TestResolverIsGS1Conformant(t *testing.T) {
	w := newWorld(t)
	w.seed()
	w.commission("urn:uuid:gs1-commission", 1, 2)
	path := "/01/" + deviceDI + "/21/S000001"
	anchor := w.srv.URL + path
	voc := "https://gs1.org/voc/"
	epilEN := map[string]string{"linkType": "gs1:epil", "href": "https://maker.example/en/is-20.pdf", "title": "Leaflet", "hreflang": "en", "type": "application/pdf"}
	epilDE := map[string]string{"linkType": "gs1:epil", "href": "https://maker.example/de/is-20.pdf", "title": "Packungsbeilage für IS-20", "hreflang": "de", "type": "application/pdf"}
	cert := map[string]string{"linkType": "gs1:certificationInfo", "href": "https://notified-body.example/ce/12345"}
	links := func(l ...map[string]string) map[string]any { return map[string]any{"links": l} }
	linksPath := "/v1/products/" + deviceDI + "/links"

	t.Run("before the manufacturer registers any, the links are the ledger's own", func(t *testing.T) {
		var d linksetDoc
		r := w.direct("GET", path+"?linkType=linkset")
		if r.status != 200 || r.header.Get("Content-Type") != LinksetContentType {
			t.Fatalf("linkset answer %s (%s)", r, r.header.Get("Content-Type"))
		}
		r.decode(t, &d)
		if len(d.Linkset) != 1 || string(d.Linkset[0]["anchor"]) != `"`+anchor+`"` {
			t.Fatalf("linkset %s", r.body)
		}
		if pip := d.targets(t, voc+"pip"); len(pip) != 1 || pip[0].Href != anchor {
			t.Fatalf("pip %+v, want the resolver's own page", pip)
		}
		if epil := d.targets(t, voc+"epil"); epil != nil {
			t.Fatalf("epil %+v before any was registered", epil)
		}
		r = w.direct("GET", path+"?linkType=gs1:pip")
		if r.status != 307 || r.header.Get("Location") != anchor {
			t.Fatalf("pip: %d to %q, want 307 to %s", r.status, r.header.Get("Location"), anchor)
		}
		p := problemOf(t, w.direct("GET", path+"?linkType=gs1:epil"))
		if p.Status != 404 || !strings.Contains(p.Detail, "gs1:epil") {
			t.Fatalf("problem %+v", p)
		}
	})

	t.Run("only the product's manufacturer registers links", func(t *testing.T) {
		for _, msp := range []string{dst, hsp, reg} {
			p := problemOf(t, w.must(403, nil, msp, "PUT", linksPath, links(epilEN)))
			if p.Code != "FORBIDDEN" {
				t.Fatalf("as %s: problem %+v", msp, p)
			}
		}
		for _, bad := range []map[string]string{
			{"linkType": "gs1:epil", "href": "http://maker.example/leaflet"},
			{"linkType": "gs1:epil", "href": "leaflet.pdf"},
			{"linkType": "gs1:recallStatus", "href": "https://maker.example/recalls"},
			{"linkType": "gs1:nonsense", "href": "https://maker.example/"},
		} {
			p := problemOf(t, w.must(422, nil, mfr, "PUT", linksPath, links(bad)))
			if p.Code != "INVALID" {
				t.Fatalf("%v: problem %+v", bad, p)
			}
		}
		var p model.Product
		w.must(200, &p, mfr, "PUT", linksPath, links(epilEN, epilDE, cert))
		if len(p.Links) != 3 || p.Links[1].Lang != "de" {
			t.Fatalf("product %+v", p)
		}
	})

	t.Run("the linkset lists every link under its GS1 link type and names no party", func(t *testing.T) {
		for _, ask := range []struct{ query, accept string }{
			{"?linkType=linkset", ""}, {"?linkType=all", ""}, {"", LinksetContentType}, {"", LinksetContentType + ", application/json;q=0.5"},
		} {
			var d linksetDoc
			r := w.direct("GET", path+ask.query, "Accept: "+ask.accept)
			if r.status != 200 || r.header.Get("Content-Type") != LinksetContentType {
				t.Fatalf("%q %q: %s (%s)", ask.query, ask.accept, r, r.header.Get("Content-Type"))
			}
			r.decode(t, &d)
			if strings.Contains(string(r.body), mfr) {
				t.Fatalf("the linkset names a party: %s", r.body)
			}
			epil := d.targets(t, voc+"epil")
			if len(epil) != 2 || epil[0].Href != epilEN["href"] || epil[1].Hreflang[0] != "de" || epil[0].Type != "application/pdf" {
				t.Fatalf("epil %+v", epil)
			}
			if c := d.targets(t, voc+"certificationInfo"); len(c) != 1 || c[0].Href != cert["href"] {
				t.Fatalf("certificationInfo %+v", c)
			}
			if rs := d.targets(t, voc+"recallStatus"); len(rs) != 1 || rs[0].Href != anchor+"?linkType=gs1:recallStatus" || rs[0].Type != "application/json" {
				t.Fatalf("recallStatus %+v", rs)
			}
			if def := d.targets(t, voc+"defaultLink"); len(def) != 1 || def[0].Href != anchor {
				t.Fatalf("defaultLink %+v", def)
			}
			if string(d.Linkset[0]["description"]) != `"Infusion set"` {
				t.Fatalf("description %s", d.Linkset[0]["description"])
			}
		}
	})

	t.Run("each linkType redirects to its link, in the language asked for", func(t *testing.T) {
		tests := []struct {
			name, query, lang, want string
		}{
			{"an epil in the preferred language", "?linkType=gs1:epil", "de-CH, en;q=0.5", epilDE["href"]},
			{"an epil in the next language the reader takes", "?linkType=gs1:epil", "fr, en;q=0.8", epilEN["href"]},
			{"an epil in any language when none fits", "?linkType=gs1:epil", "", epilEN["href"]},
			{"a link type named by its IRI", "?linkType=" + url.QueryEscape(voc+"epil"), "de", epilDE["href"]},
			{"certification information", "?linkType=gs1:certificationInfo", "", cert["href"]},
			{"the default link: the verdict page", "?linkType=gs1:defaultLink", "", anchor},
			{"the product page is the resolver's own while the manufacturer has none", "?linkType=gs1:pip", "", anchor},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := w.direct("GET", path+tt.query, "Accept-Language: "+tt.lang)
				if r.status != 307 || r.header.Get("Location") != tt.want {
					t.Fatalf("%d to %q, want 307 to %s", r.status, r.header.Get("Location"), tt.want)
				}
			})
		}
	})

	t.Run("a link type the product has no link of, or no link type at all, is a 404 problem", func(t *testing.T) {
		for _, lt := range []string{"gs1:instructions", "gs1:nonsense", "nonsense", url.QueryEscape("https://example.com/voc/epil")} {
			p := problemOf(t, w.direct("GET", path+"?linkType="+lt))
			if p.Status != 404 || !strings.Contains(p.Detail, "linkType=linkset") {
				t.Fatalf("%s: problem %+v", lt, p)
			}
		}
	})

	t.Run("gs1:recallStatus is the ledger's verdict as JSON, without the holder", func(t *testing.T) {
		var r Resolved
		res := w.must(200, &r, "", "GET", path+"?linkType=gs1:recallStatus", nil, "Accept: text/html")
		if !strings.HasPrefix(res.header.Get("Content-Type"), "application/json") || !r.Verification.Genuine || r.Verification.Recalled ||
			r.Verification.Owner != "" || strings.Contains(string(res.body), mfr) {
			t.Fatalf("recall status %s", res)
		}
		w.must(201, nil, mfr, "POST", "/v1/recalls", map[string]any{"id": "RC-RES", "class": "II", "depth": "retail", "reason": "sterility",
			"scope": map[string]string{"type": "lot", "di": deviceDI, "lot": "L1"}})
		w.must(200, &r, "", "GET", path+"?linkType=gs1:recallStatus", nil)
		if !r.Verification.Recalled || r.Verification.Sellable || len(r.Verification.RecallIDs) != 1 {
			t.Fatalf("after the recall: %+v", r)
		}
	})

	t.Run("a registered product page replaces the resolver's own", func(t *testing.T) {
		pip := map[string]string{"linkType": "gs1:pip", "href": "https://maker.example/products/is-20"}
		w.must(200, nil, mfr, "PUT", linksPath, links(epilEN, epilDE, cert, pip))
		r := w.direct("GET", path+"?linkType=gs1:pip")
		if r.status != 307 || r.header.Get("Location") != pip["href"] {
			t.Fatalf("%d to %q", r.status, r.header.Get("Location"))
		}
		var d linksetDoc
		w.direct("GET", path+"?linkType=linkset").decode(t, &d)
		if got := d.targets(t, voc+"pip"); len(got) != 1 || got[0].Href != pip["href"] {
			t.Fatalf("pip %+v", got)
		}
	})

	t.Run("every answer names the linkset in its Link header; HEAD answers the headers alone", func(t *testing.T) {
		get := w.direct("GET", path, "Accept: application/json")
		head := w.direct("HEAD", path, "Accept: application/json")
		if head.status != 200 || len(head.body) != 0 || get.status != 200 {
			t.Fatalf("HEAD %s, GET %s", head, get)
		}
		for _, r := range []resp{get, head} {
			link := r.header.Get("Link")
			want := "<" + anchor + "?linkType=linkset>; rel=\"linkset\"; type=\"application/linkset+json\""
			if !strings.HasPrefix(link, want) || !strings.Contains(link, "<"+epilDE["href"]+`>; rel="`+voc+`epil"; type="application/pdf"; hreflang="de"; title*=UTF-8''Packungsbeilage%20f%C3%BCr%20IS-20`) {
				t.Fatalf("Link: %s", link)
			}
		}
		if get.header.Get("Link") != head.header.Get("Link") {
			t.Fatalf("HEAD's Link header differs from GET's")
		}
		r := w.direct("HEAD", path+"?linkType=gs1:epil", "Accept-Language: de")
		if r.status != 307 || r.header.Get("Location") != epilDE["href"] || len(r.body) != 0 {
			t.Fatalf("HEAD with a linkType: %s to %q", r, r.header.Get("Location"))
		}
		r = w.direct("HEAD", path+"?linkType=linkset")
		if r.status != 200 || r.header.Get("Content-Type") != LinksetContentType || len(r.body) != 0 {
			t.Fatalf("HEAD of the linkset: %s (%s)", r, r.header.Get("Content-Type"))
		}
		r = w.direct("HEAD", path+"?linkType=gs1:instructions")
		if r.status != 404 {
			t.Fatalf("HEAD of a missing link: %s", r)
		}
	})

	t.Run("the Digital Link's data attributes stay on the resolver's own links", func(t *testing.T) {
		withExpiry := path + "?17=" + strings.ReplaceAll(day(365)[2:], "-", "")
		r := w.direct("GET", withExpiry+"&linkType=gs1:defaultLink")
		if r.status != 307 || r.header.Get("Location") != w.srv.URL+withExpiry {
			t.Fatalf("%d to %q", r.status, r.header.Get("Location"))
		}
		var d linksetDoc
		w.direct("GET", withExpiry+"&linkType=linkset").decode(t, &d)
		if string(d.Linkset[0]["anchor"]) != `"`+anchor+`"` {
			t.Fatalf("anchor %s, want the item without its data attributes", d.Linkset[0]["anchor"])
		}
		if rs := d.targets(t, voc+"recallStatus"); rs[0].Href != w.srv.URL+withExpiry+"&linkType=gs1:recallStatus" {
			t.Fatalf("recallStatus %+v", rs)
		}
	})

	t.Run("the verdict page shows the manufacturer's links and names no party", func(t *testing.T) {
		r := w.must(200, nil, "", "GET", path, nil, "Accept: text/html")
		page := string(r.body)
		if !strings.Contains(page, `href="`+epilEN["href"]+`"`) || !strings.Contains(page, "Packungsbeilage für IS-20") ||
			strings.Contains(page, "recallStatus") || strings.Contains(page, mfr) {
			t.Fatalf("page %s", page)
		}
	})

	t.Run("an unregistered product has the ledger's links only", func(t *testing.T) {
		other := "/01/" + checkDigit("0690123400099") + "/21/X1"
		var d linksetDoc
		w.direct("GET", other+"?linkType=linkset").decode(t, &d)
		if d.targets(t, voc+"defaultLink") == nil || d.targets(t, voc+"epil") != nil {
			t.Fatalf("linkset %+v", d)
		}
		if r := w.direct("GET", other+"?linkType=gs1:epil"); r.status != 404 {
			t.Fatalf("epil of an unregistered product: %s", r)
		}
	})

	t.Run("the description file names the resolver's root and its link types", func(t *testing.T) {
		var d resolverDescription
		w.must(200, &d, "", "GET", "/.well-known/gs1resolver", nil)
		if d.ResolverRoot != w.srv.URL || len(d.SupportedLinkType) != 1 || d.SupportedLinkType[0].Namespace != voc || d.SupportedPrimaryKeys[0] != "01" {
			t.Fatalf("description %+v", d)
		}
	})
}

func TestResolverRootIsConfigurable(t *testing.T) {
	w := newWorld(t, worldOptions{tweak: func(o *Options) { o.ResolverRoot = "https://id.udi.example/" }})
	w.seed()
	var d linksetDoc
	w.direct("GET", "/01/"+deviceDI+"/21/S000001?linkType=linkset").decode(t, &d)
	if string(d.Linkset[0]["anchor"]) != `"https://id.udi.example/01/`+deviceDI+`/21/S000001"` {
		t.Fatalf("anchor %s", d.Linkset[0]["anchor"])
	}
}

func TestResolverTakesPercentEncodedSerials(t *testing.T) {
	w := newWorld(t)
	w.seed()
	code := "(01)" + deviceDI + "(21)A/B%1"
	w.must(201, nil, mfr, "POST", "/v1/events/commission", map[string]any{"eventId": "urn:uuid:pct", "di": deviceDI, "lot": "L1",
		"codes": []string{code}, "location": mfrGLN})
	var r Resolved
	w.must(200, &r, "", "GET", "/01/"+deviceDI+"/21/A%2FB%251", nil)
	if !r.Verification.Genuine || r.Code != code {
		t.Fatalf("resolved %+v", r)
	}
	var d linksetDoc
	w.direct("GET", "/01/"+deviceDI+"/21/A%2FB%251?linkType=linkset").decode(t, &d)
	if string(d.Linkset[0]["anchor"]) != `"`+w.srv.URL+`/01/`+deviceDI+`/21/A%2FB%251"` {
		t.Fatalf("anchor %s", d.Linkset[0]["anchor"])
	}
}

func TestLinkNegotiation(t *testing.T) {
	links := []resolvedLink{
		{Rel: "gs1:epil", Href: "https://x.example/en", Lang: "en"},
		{Rel: "gs1:epil", Href: "https://x.example/any"},
		{Rel: "gs1:epil", Href: "https://x.example/zh", Lang: "zh-Hans"},
	}
	for _, tt := range []struct{ accept, want string }{
		{"", "https://x.example/any"},
		{"zh-CN;q=0.9, en;q=0.8", "https://x.example/zh"},
		{"en;q=0.1, zh-Hans", "https://x.example/zh"},
		{"zh;q=0, en", "https://x.example/en"},
		{"fr, *", "https://x.example/any"},
		{"en;q=nonsense, zh", "https://x.example/zh"},
	} {
		if got, _ := pick(links, "gs1:epil", tt.accept); got.Href != tt.want {
			t.Errorf("Accept-Language %q: %s, want %s", tt.accept, got.Href, tt.want)
		}
	}
	if _, ok := pick(links, "gs1:pip", "en"); ok {
		t.Error("a link type without links was picked")
	}

	t.Run("the Link header stays within its bound and always names the linkset", func(t *testing.T) {
		var many []resolvedLink
		for i := 0; i < 32; i++ {
			many = append(many, resolvedLink{Rel: "gs1:epil", Href: "https://x.example/" + strings.Repeat("a", 300), Title: `Ä "quoted", title; x`})
		}
		h := linkHeader("https://r.example/01/1", many)
		if len(h) > maxLinkHeader || !strings.HasPrefix(h, `<https://r.example/01/1?linkType=linkset>; rel="linkset"`) || strings.Count(h, "<") < 5 {
			t.Fatalf("%d bytes: %s", len(h), h)
		}
		if !strings.Contains(h, `title*=UTF-8''%C3%84%20%22quoted%22%2C%20title%3B%20x`) {
			t.Fatalf("title not encoded: %s", h)
		}
	})
}
