package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/gateway/epcis/xmlbind"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The EPCIS 2.0 XML binding at the gateway (docs/epcis.md, "XML binding"): captures sent as
// XML are converted to JSON-LD before the JSON pipeline; query answers are converted to XML
// when the Accept header prefers it.

const (
	mediaXML     = "application/xml"
	mediaTextXML = "text/xml"
)

// isXML reports whether the request body is declared as XML.
func isXML(c *gin.Context) bool {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	return err == nil && (mt == mediaXML || mt == mediaTextXML)
}

// xmlCaptureBody converts a capture body sent as XML (Content-Type application/xml or
// text/xml) to the JSON-LD document; other bodies pass unchanged. A document that is not
// EPCIS 2.0 XML is a 400 naming the element. ok is false when the answer is written.
func xmlCaptureBody(c *gin.Context, body []byte) ([]byte, bool) {
	if !isXML(c) {
		return body, true
	}
	doc, err := xmlbind.ToJSON(bytes.NewReader(body))
	var xe *xmlbind.Error
	if errors.As(err, &xe) {
		reason := xe.Reason
		if xe.Err != nil {
			reason += ": " + xe.Err.Error()
		}
		field := xe.Path
		if xe.Line > 0 {
			field += " (line " + strconv.Itoa(xe.Line) + ")"
		}
		problem.Write(c, problem.Invalid("the body is not an EPCIS 2.0 XML document: each error names the element path", problem.FieldError{Field: field, Reason: reason}))
		return nil, false
	}
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return doc, true
}

// xmlSingleEvent takes the one event of an XML document sent to POST /epcis/events, with the
// document's @context, as the JSON event that route reads; a JSON body passes unchanged.
func xmlSingleEvent(c *gin.Context, doc []byte) ([]byte, bool) {
	if !isXML(c) {
		return doc, true
	}
	var d struct {
		Context   json.RawMessage `json:"@context"`
		EPCISBody struct {
			EventList []map[string]json.RawMessage `json:"eventList"`
		} `json:"epcisBody"`
	}
	if err := json.Unmarshal(doc, &d); err != nil || len(d.EPCISBody.EventList) != 1 {
		problem.Write(c, problem.Invalid("an XML capture of one event is an EPCISDocument holding exactly one event",
			problem.FieldError{Field: "/epcis:EPCISDocument/EPCISBody/EventList", Reason: "holds " + strconv.Itoa(len(d.EPCISBody.EventList)) + " events"}))
		return nil, false
	}
	ev := d.EPCISBody.EventList[0]
	if len(d.Context) > 0 {
		ev["@context"] = d.Context
	}
	b, err := json.Marshal(ev)
	if err != nil {
		writeError(c, err)
		return nil, false
	}
	return b, true
}

// writeEPCISAnswer writes a query answer (an EPCISQueryDocument in JSON) in the negotiated
// media type: XML for application/xml or text/xml, else the JSON as it is.
func writeEPCISAnswer(c *gin.Context, mediaType string, doc []byte) {
	if mediaType == mediaXML || mediaType == mediaTextXML {
		x, err := xmlbind.FromJSON(doc)
		if err != nil {
			writeError(c, err)
			return
		}
		doc = x
	}
	c.Data(http.StatusOK, mediaType+"; charset=utf-8", doc)
}

// addXMLContent adds the XML media types to an OpenAPI content map of an EPCIS document
// (a capture's body, a query's answer) when xml is true.
func addXMLContent(content map[string]any, xml bool) {
	if !xml {
		return
	}
	doc := map[string]any{"schema": map[string]any{"type": "string", "format": "binary",
		"description": "the EPCIS 2.0 XML binding (EPCglobal-epcis-2_0.xsd)"}}
	content[mediaXML], content[mediaTextXML] = doc, doc
}
