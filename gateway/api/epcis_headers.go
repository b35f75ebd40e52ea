package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/problem"
)

// The headers of the EPCIS 2.0 REST binding the gateway speaks (docs/epcis.md, "HTTP").
const (
	epcisVersionHeader    = "GS1-EPCIS-Version"
	cbvVersionHeader      = "GS1-CBV-Version"
	epcisExtensionsHeader = "GS1-Extensions"
	epcFormatHeader       = "GS1-EPC-Format"

	epcisVersion = "2.0.0"
	cbvVersion   = "2.0.0"
	// epcisExtensions names the ledger's extension vocabulary (udi:actor, udi:txId…) in the
	// binding's prefix=namespace form.
	epcisExtensions = "udi=urn:udiledger:voc:"

	// GS1-EPC-Format values.
	epcFormatDigitalLink  = "Always_GS1_Digital_Link"
	epcFormatURN          = "Always_EPC_URN"
	epcFormatAny          = "No_Preference"
	epcFormatNoTranslates = "Never_Translates"

	mediaJSONLD = "application/ld+json"
	mediaJSON   = "application/json"
)

// epcisHeaders marks every EPCIS answer, problems included, with the versions of the standard
// and the vocabulary it follows and the extensions it uses.
func epcisHeaders(c *gin.Context) {
	c.Header(epcisVersionHeader, epcisVersion)
	c.Header(cbvVersionHeader, cbvVersion)
	c.Header(epcisExtensionsHeader, epcisExtensions)
	c.Header("Vary", "Accept, "+epcFormatHeader)
}

// epcisAnswerFormat is how a query is answered: the media type and whether GS1 identifiers are
// written as EPC URNs.
type epcisAnswerFormat struct {
	mediaType   string
	urn         bool
	digitalLink bool // captured events' identifiers as Digital Links too
}

// epcisQueryFormat reads Accept and GS1-EPC-Format of a query. It answers 406 for an Accept
// that allows neither JSON-LD, JSON nor XML (epcis_xml.go), 400 for a GS1-EPC-Format the
// binding does not define. No_Preference (the default) and Never_Translates answer captured
// events as captured; events recorded through the REST API, which were never EPCIS, are
// written as Digital Links unless Always_EPC_URN.
func epcisQueryFormat(c *gin.Context) (epcisAnswerFormat, bool) {
	var f epcisAnswerFormat
	if f.mediaType = negotiate(c.GetHeader("Accept"), mediaJSONLD, mediaJSON, mediaXML, mediaTextXML); f.mediaType == "" {
		notAcceptable(c, "EPCIS query answers are served as "+mediaJSONLD+", "+mediaJSON+", "+mediaXML+" or "+mediaTextXML)
		return f, false
	}
	switch v := strings.TrimSpace(c.GetHeader(epcFormatHeader)); v {
	case "", epcFormatAny:
		c.Header(epcFormatHeader, epcFormatAny)
	case epcFormatNoTranslates:
		c.Header(epcFormatHeader, epcFormatNoTranslates)
	case epcFormatDigitalLink:
		f.digitalLink = true
		c.Header(epcFormatHeader, epcFormatDigitalLink)
	case epcFormatURN:
		f.urn = true
		c.Header(epcFormatHeader, epcFormatURN)
	default:
		problem.Write(c, problem.Invalid("unknown "+epcFormatHeader, problem.FieldError{Field: epcFormatHeader,
			Reason: strconv.Quote(v) + " is not one of " + strings.Join([]string{epcFormatAny, epcFormatDigitalLink, epcFormatURN, epcFormatNoTranslates}, ", ")}))
		return f, false
	}
	return f, true
}

// epcisCaptureAccept checks that a capture's caller accepts its answer, JSON.
func epcisCaptureAccept(c *gin.Context) bool {
	if negotiate(c.GetHeader("Accept"), mediaJSON) == "" {
		notAcceptable(c, "a capture is answered with its results per event as "+mediaJSON)
		return false
	}
	return true
}

func notAcceptable(c *gin.Context, detail string) {
	problem.Write(c, problem.New(http.StatusNotAcceptable, "not-acceptable", "Not acceptable",
		detail+"; Accept: "+strconv.Quote(c.GetHeader("Accept"))+", "+epcFormatHeader+": "+strconv.Quote(c.GetHeader(epcFormatHeader))))
}

// negotiate picks the offer (listed in the gateway's order of preference) that an Accept
// header (RFC 9110, 12.5.1) rates highest; an absent header accepts the first offer, and none
// rated above q=0 gives "". Each offer takes the q of the most specific range that matches it;
// media type parameters other than q are ignored.
func negotiate(accept string, offers ...string) string {
	if strings.TrimSpace(accept) == "" {
		return offers[0]
	}
	best, bestQ := "", 0.0
	for _, offer := range offers {
		if q := acceptQ(accept, offer); q > bestQ {
			best, bestQ = offer, q
		}
	}
	return best
}

func acceptQ(accept, offer string) float64 {
	typ, sub, _ := strings.Cut(offer, "/")
	q, specificity := 0.0, -1
	for _, part := range strings.Split(accept, ",") {
		params := strings.Split(part, ";")
		t, s, ok := strings.Cut(strings.ToLower(strings.TrimSpace(params[0])), "/")
		if !ok {
			continue
		}
		sp := 0
		switch {
		case t == typ && s == sub:
			sp = 2
		case t == typ && s == "*":
			sp = 1
		case t == "*" && s == "*":
		default:
			continue
		}
		pq := 1.0
		for _, p := range params[1:] {
			k, v, _ := strings.Cut(p, "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				pq = f
			}
		}
		if sp > specificity {
			q, specificity = pq, sp
		}
	}
	return q
}
