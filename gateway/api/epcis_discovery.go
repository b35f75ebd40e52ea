package api

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/capturejobs"
	"github.com/udiledger/udiledger/gateway/epcis/simplequery"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
)

// The EPCIS 2.0 REST binding's discovery (docs/epcis.md, "Discovery"): OPTIONS on every path
// under /epcis, the root's list of top-level resources, one member's sub-resources, and the
// release of a page token. What is served is read from the route table.

// The discovery headers of the binding's OPTIONS answers.
const (
	epcisMinHeader      = "GS1-EPCIS-Min"
	epcisMaxHeader      = "GS1-EPCIS-Max"
	cbvMinHeader        = "GS1-CBV-Min"
	cbvMaxHeader        = "GS1-CBV-Max"
	vendorVersionHeader = "GS1-Vendor-Version"
	cbvXMLFormatHeader  = "GS1-CBV-XML-Format"
	cbvXMLFormatURN     = "Always_URN" // XML answers write CBV values as URNs (xmlbind)
	captureBehaviourAll = "all"        // GS1-Capture-Error-Behaviour: rollback and proceed
	vendorVersion       = "udiledger-" + model.ChaincodeVersion
)

// epcisRootPath is where the binding is served; its resources are under epcisRootPath + "/".
const epcisRootPath = "/epcis"

func isEPCISPath(path string) bool {
	return path == epcisRootPath || strings.HasPrefix(path, epcisRootPath+"/")
}

// epcisOptionsRoutes answers OPTIONS on every path of served, the routes under /epcis the
// gateway serves: Allow lists their methods.
func (s *server) epcisOptionsRoutes(r gin.IRoutes, served []routes.Route, guards ...gin.HandlerFunc) {
	var paths []string
	byPath := map[string][]routes.Route{}
	for _, rt := range served {
		if byPath[rt.Path] == nil {
			paths = append(paths, rt.Path)
		}
		byPath[rt.Path] = append(byPath[rt.Path], rt)
	}
	for _, p := range paths {
		rts := byPath[p]
		r.Handle(http.MethodOptions, rts[0].GinPath(), append(slices.Clone(guards), s.epcisOptions(rts))...)
	}
}

// epcisOptions answers OPTIONS on the path of rts (204): Allow, the versions and formats the
// gateway speaks, and on a capture path its limits.
func (s *server) epcisOptions(rts []routes.Route) gin.HandlerFunc {
	methods := []string{http.MethodOptions}
	var capture, captureEvent bool
	for _, rt := range rts {
		methods = append(methods, rt.Method)
		capture = capture || rt.Own == routes.EPCISCapture
		captureEvent = captureEvent || rt.Own == routes.EPCISCaptureEvent
	}
	allow := strings.Join(methods, ", ")
	return func(c *gin.Context) {
		epcisHeaders(c)
		for _, h := range [][2]string{{epcisMinHeader, epcisVersion}, {epcisMaxHeader, epcisVersion},
			{cbvMinHeader, cbvVersion}, {cbvMaxHeader, cbvVersion}, {vendorVersionHeader, vendorVersion},
			{epcFormatHeader, epcFormatAny}, {cbvXMLFormatHeader, cbvXMLFormatURN}} {
			c.Header(h[0], h[1])
		}
		switch {
		case capture:
			s.captureLimitHeaders(c)
			behaviour := capturejobs.Proceed // without jobs every event is answered on its own
			if s.jobs != nil {
				behaviour = captureBehaviourAll
			}
			c.Header(captureErrorBehaviourHeader, behaviour)
		case captureEvent:
			s.captureLimitHeaders(c)
		}
		c.Header("Allow", allow)
		c.Status(http.StatusNoContent)
	}
}

// epcisRoot answers GET /epcis: the top-level resources, those the table serves a GET of.
func epcisRoot(c *gin.Context) {
	epcisHeaders(c)
	if !epcisListAccept(c) || !onlyParams(c) {
		return
	}
	var members []string
	for _, rt := range routes.Table {
		name, ok := strings.CutPrefix(rt.Path, epcisRootPath+"/")
		if ok && rt.Method == http.MethodGet && !strings.Contains(name, "/") && !slices.Contains(members, name) {
			members = append(members, name)
		}
	}
	c.JSON(http.StatusOK, epcis.NewCollection(members))
}

// epcisResource answers GET /epcis/{resource}/{id}: the sub-resources of one member, those
// the table serves under its path ("events"). A value that is no member of a vocabulary the
// gateway knows (event types, business steps, dispositions) is 404; one that cannot name an
// EPC or a location is 400. Whether the reader's events name an EPC or a location is not
// looked up: its events answer that.
func epcisResource(c *gin.Context) {
	epcisHeaders(c)
	if !epcisListAccept(c) || !onlyParams(c) {
		return
	}
	parts := strings.Split(c.FullPath(), "/") // "", "epcis", resource, ":param"
	resource, param := parts[2], strings.TrimPrefix(parts[3], ":")
	if p := checkMember(resource, param, c.Param(param)); p != nil {
		problem.Write(c, p)
		return
	}
	var members []string
	for _, rt := range routes.Table {
		rest, ok := strings.CutPrefix(rt.GinPath(), c.FullPath()+"/")
		if sub, _, _ := strings.Cut(rest, "/"); ok && !slices.Contains(members, sub) {
			members = append(members, sub)
		}
	}
	c.JSON(http.StatusOK, epcis.NewCollection(members))
}

// memberQuery is the SimpleEventQuery parameter that names a member of each resource.
var memberQuery = map[string]string{
	"eventTypes": "eventType", "bizSteps": "EQ_bizStep", "dispositions": "EQ_disposition",
	"bizLocations": "EQ_bizLocation", "readPoints": "EQ_readPoint",
}

// checkMember answers the problem of a value that names no member of resource, nil for one
// that may.
func checkMember(resource, param, value string) *problem.Problem {
	notFound := problem.NotFound("no " + param + " " + value)
	if resource == "epcs" {
		if _, err := epcis.CodeKey(value); err != nil {
			return problem.Invalid("the EPC cannot be read", problem.FieldError{Field: param, Reason: err.Error()})
		}
		return nil
	}
	location := resource == "bizLocations" || resource == "readPoints"
	if location && identifier.ValidateGLN(value) == nil {
		value = epcis.LocationURI(value) // a bare GLN, as the ledger's REST API writes places
	}
	_, err := simplequery.Parse(url.Values{memberQuery[resource]: {value}})
	if strings.Contains(value, "|") { // a path names one member
		err = &simplequery.ParamError{Param: param, Reason: strconv.Quote(value) + " holds '|': a path names one value"}
	}
	switch resource {
	case "eventTypes":
		if err != nil {
			return notFound
		}
	case "bizSteps", "dispositions":
		known, canonical := epcis.BizSteps(), simplequery.CanonicalBizStep
		if resource == "dispositions" {
			known, canonical = epcis.Dispositions(), simplequery.CanonicalDisposition
		}
		v := canonical(value)
		if err != nil || !slices.ContainsFunc(known, func(k string) bool { return canonical(k) == v }) {
			return notFound
		}
	default: // locations
		if err != nil {
			return problem.Invalid("the location cannot be read", problem.FieldError{Field: param, Reason: err.Error()})
		}
	}
	return nil
}

// epcisReleasePageToken answers DELETE /epcis/nextPageToken/{token}, the binding's release of
// what a page token holds. The gateway's tokens hold nothing: a token is the position where
// the next page starts (pageToken), read again on every request, so nothing is released and
// the token stays usable. 204 for a token this gateway can have given; 404 for one it cannot
// (no such token, as a resource).
func epcisReleasePageToken(c *gin.Context) {
	epcisHeaders(c)
	if _, err := parsePageToken(c.Param("token")); err != nil {
		problem.Write(c, problem.NotFound("no page token "+c.Param("token")+": it "+err.Error()))
		return
	}
	c.Status(http.StatusNoContent)
}

// epcisOptionsDoc is the OpenAPI operation of OPTIONS on an EPCIS path.
func epcisOptionsDoc(path string, problemRef map[string]any) map[string]any {
	var params []any
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str})
		}
	}
	headers := map[string]any{"Allow": map[string]any{"description": "the methods served on the path", "schema": str}}
	for _, h := range []string{epcisVersionHeader, epcisMinHeader, epcisMaxHeader, cbvVersionHeader, cbvMinHeader, cbvMaxHeader,
		vendorVersionHeader, epcisExtensionsHeader, epcFormatHeader, cbvXMLFormatHeader, captureErrorBehaviourHeader} {
		headers[h] = map[string]any{"description": "the EPCIS 2.0 REST binding's discovery header", "schema": str}
	}
	for _, h := range []string{captureLimitHeader, captureFileSizeLimitHeader} {
		headers[h] = map[string]any{"description": "the capture limit (capture paths only)", "schema": map[string]any{"type": "integer", "minimum": 1}}
	}
	op := map[string]any{
		"operationId": "options" + strings.NewReplacer("/", "_", "{", "", "}", "").Replace(path),
		"summary":     "Discovery: Allow lists the methods served here; the versions, formats (and on capture the limits) the gateway speaks",
		"tags":        []string{"epcis"},
		"responses": map[string]any{
			"204":     map[string]any{"description": "discovered", "headers": headers},
			"default": map[string]any{"description": "a problem (RFC 9457)", "content": map[string]any{problem.ContentType: map[string]any{"schema": problemRef}}},
		},
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	return op
}
