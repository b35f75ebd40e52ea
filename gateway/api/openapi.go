package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/epcis"
	"github.com/udiledger/udiledger/gateway/outbox"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The OpenAPI 3.1 document is written here by hand, operation by operation; the schemas of
// request and answer bodies are derived from the Go types (json and validate tags), so they
// cannot drift from what the handlers decode. TestOpenAPIMatchesRoutes checks that the
// operations listed here and the routes registered in server.go are the same set.

type param struct {
	name, desc string
	schema     map[string]any
	required   bool
}

type op struct {
	method, path, tag, summary string
	body                       any // request body type, nil for none
	resp                       any // answer body type, nil for "any JSON"
	status                     int // success status; 0 means 200
	query                      []param
	public                     bool // no API key
	idempotent                 bool // takes Idempotency-Key
	accepted                   bool // may answer 202 (queued in the outbox)
}

var (
	str     = map[string]any{"type": "string"}
	integer = map[string]any{"type": "integer"}
)

func pageParams(extra ...param) []param {
	return append(extra,
		param{name: "page_size", desc: "items per page, 1 to 1000 (default 50)", schema: map[string]any{"type": "integer", "minimum": 0, "maximum": 1000}},
		param{name: "bookmark", desc: "the bookmark of the previous page", schema: str})
}

var codeParam = param{name: "code", desc: "a code in any accepted form (element string, bracketed, Digital Link, EPC URN, 20-digit drug code, MA, HIBCC)", schema: str, required: true}

var timeParams = []param{
	{name: "from", desc: "RFC 3339, inclusive (default 2000-01-01)", schema: map[string]any{"type": "string", "format": "date-time"}},
	{name: "to", desc: "RFC 3339, exclusive (default a day from now)", schema: map[string]any{"type": "string", "format": "date-time"}},
}

func operations() []op {
	ev := func(path, fn, summary string, body any) op {
		return op{method: "POST", path: "/v1/events/" + path, tag: "events", summary: summary + " (" + fn + ")",
			body: body, resp: model.EventResult{}, status: http.StatusCreated, idempotent: true, accepted: true}
	}
	return []op{
		{method: "GET", path: "/healthz", tag: "operations", summary: "Liveness", public: true},
		{method: "GET", path: "/readyz", tag: "operations", summary: "Readiness: the ledger backend is reachable", public: true},
		{method: "GET", path: "/metrics", tag: "operations", summary: "Prometheus metrics (text exposition format)", public: true},
		{method: "GET", path: "/openapi.json", tag: "operations", summary: "This document", public: true},

		{method: "POST", path: "/v1/ledger/init", tag: "parties", summary: "Register the first regulator, once per ledger (party:Init)", body: partyBody{}, resp: model.Party{}, status: 201},
		{method: "POST", path: "/v1/parties", tag: "parties", summary: "Register a party (regulator only)", body: partyBody{}, resp: model.Party{}, status: 201, accepted: true},
		{method: "GET", path: "/v1/parties", tag: "parties", summary: "List parties", resp: model.PartyPage{}, query: pageParams()},
		{method: "GET", path: "/v1/parties/{msp}", tag: "parties", summary: "Read a party", resp: model.Party{}},
		{method: "PUT", path: "/v1/parties/{msp}", tag: "parties", summary: "Replace a party's record (regulator only)", body: partyBody{}, resp: model.Party{}},
		{method: "POST", path: "/v1/products", tag: "products", summary: "Register a product (DI record) under the caller's prefix", body: productBody{}, resp: model.Product{}, status: 201, accepted: true},
		{method: "GET", path: "/v1/products", tag: "products", summary: "List products", resp: model.ProductPage{}, query: pageParams()},
		{method: "GET", path: "/v1/products/{di}", tag: "products", summary: "Read a product", resp: model.Product{}},
		{method: "POST", path: "/v1/lots", tag: "lots", summary: "Register a lot of the caller's product", body: lotBody{}, resp: model.Lot{}, status: 201, accepted: true},
		{method: "GET", path: "/v1/lots", tag: "lots", summary: "List lots, of one product with di", resp: model.LotPage{},
			query: pageParams(param{name: "di", desc: "only the lots of this DI", schema: str})},
		{method: "GET", path: "/v1/lots/{di}/{lot}", tag: "lots", summary: "Read a lot", resp: model.Lot{}},
		{method: "PUT", path: "/v1/lots/{di}/{lot}/status", tag: "lots", summary: "Quarantine or release a lot", body: lotStatusBody{}, resp: model.Lot{}},

		ev("commission", "unit:Commission", "Commission serialized units of a lot, up to 10,000 codes", commissionBody{}),
		ev("pack", "unit:Pack", "Pack units or containers into a container", packBody{}),
		ev("unpack", "unit:Unpack", "Take children out of a container", unpackBody{}),
		ev("ship", "unit:Ship", "Ship units or containers to a party", shipBody{}),
		ev("receive", "unit:Receive", "Receive what was shipped to the caller", receiveBody{}),
		ev("dispense", "unit:Dispense", "Dispense to a patient; patientRef and prescriptionRef travel only in the transient map", dispenseBody{}),
		ev("undo-dispense", "unit:UndoDispense", "Undo a dispense within 10 days", undoDispenseBody{}),
		ev("return", "unit:Return", "Return units or containers", returnBody{}),
		ev("destroy", "unit:Destroy", "Destroy units or containers", disposeBody{}),
		ev("decommission", "unit:Decommission", "Decommission units or containers", disposeBody{}),
		ev("release", "unit:Release", "Lift a quarantine", disposeBody{}),
		ev("sensor", "unit:ReportSensor", "Report sensor readings (cold chain)", sensorBody{}),
		ev("inspect", "unit:Inspect", "Record a verification scan; unknown codes and clones raise alerts", inspectBody{}),
		{method: "GET", path: "/v1/events", tag: "events", summary: "Events in a time window, in time order", resp: model.EventPage{}, query: pageParams(timeParams...)},
		{method: "GET", path: "/v1/events/{id}", tag: "events", summary: "Read one event", resp: model.Event{}},
		{method: "GET", path: "/v1/events/stream", tag: "events", summary: "Server-sent events of the ledger's chaincode events; resume with Last-Event-ID (<block>.<txid>)",
			query: []param{{name: "from_block", desc: "first block to replay (ignored with Last-Event-ID)", schema: integer}}},
		{method: "GET", path: "/v1/dispenses/{id}", tag: "events", summary: "Private details of a dispense (the dispensing organisation and regulators)", resp: model.DispenseRecord{}},

		{method: "POST", path: "/v1/scans", tag: "scans", summary: "A batch of scans from a scanner station, answered per scan", body: scanBatchBody{}, resp: ScanBatchResult{}, idempotent: true},
		{method: "GET", path: "/v1/trace", tag: "queries", summary: "Provenance of a code: every event in order, containers' included", resp: model.Provenance{}, query: []param{codeParam}},
		{method: "GET", path: "/v1/verify", tag: "queries", summary: "May this code be sold or dispensed?", resp: model.Verification{}, query: []param{codeParam}},
		{method: "GET", path: "/v1/units", tag: "queries", summary: "A unit with its effective status, holder and containers", resp: model.UnitView{}, query: []param{codeParam}},
		{method: "GET", path: "/v1/holders/{msp}/units", tag: "queries", summary: "What a party holds at top level", resp: model.HoldingPage{}, query: pageParams()},
		{method: "GET", path: "/v1/alerts", tag: "queries", summary: "Alerts (temperature excursions, suspected clones and counterfeits)", resp: model.AlertPage{}, query: pageParams()},
		{method: "GET", path: "/v1/licences/expiring", tag: "queries", summary: "Licences ending within days, expired ones included", resp: []model.ExpiringLicence{},
			query: []param{{name: "days", desc: "0 to 3650 (default 30)", schema: integer}}},

		{method: "POST", path: "/v1/recalls", tag: "recalls", summary: "Start a recall (regulator, or the manufacturer of every product in scope)", body: recallBody{}, resp: model.Recall{}, status: 201, idempotent: true, accepted: true},
		{method: "GET", path: "/v1/recalls", tag: "recalls", summary: "List recalls, in recall ID order", resp: model.RecallPage{}, query: pageParams()},
		{method: "GET", path: "/v1/recalls/{id}", tag: "recalls", summary: "Read a recall", resp: model.Recall{}},
		{method: "POST", path: "/v1/recalls/{id}/acknowledge", tag: "recalls", summary: "Acknowledge a recall for the caller's organisation", body: ackBody{}, resp: model.Acknowledgement{}, status: 201, accepted: true},
		{method: "GET", path: "/v1/recalls/{id}/scope", tag: "recalls", summary: "Every affected unit grouped by holder, with counts and progress", resp: model.RecallStatus{},
			query: []param{{name: "units", desc: "list each unit (true or false)", schema: map[string]any{"type": "boolean"}}}},
		{method: "GET", path: "/v1/recalls/{id}/progress", tag: "recalls", summary: "How far a recall is: required, done, acknowledgements", resp: recallProgress{}},

		{method: "GET", path: "/v1/outbox/{id}", tag: "outbox", summary: "What became of a write queued while the ledger was unreachable", resp: outbox.Status{}},

		{method: "POST", path: "/epcis/capture", tag: "epcis", summary: "Capture an EPCIS 2.0 document (JSON-LD): each supported event is recorded as its own transaction, answered per event", body: map[string]any{}, resp: CaptureResult{}},
		{method: "GET", path: "/epcis/events", tag: "epcis", summary: "EPCIS 2.0 SimpleEventQuery over the ledger's events (EQ_bizStep, MATCH_epc, GE_eventTime, LT_eventTime, perPage, nextPageToken, ...): an EPCISQueryDocument", resp: epcis.QueryDocument{}},
		{method: "GET", path: "/epcis/epcs/{epc}/events", tag: "epcis", summary: "EPCIS events of one EPC (URN or percent-encoded Digital Link), containers' included", resp: epcis.QueryDocument{}},

		{method: "GET", path: "/01/{path}", tag: "resolver", summary: "GS1 Digital Link resolver: verification and journey of the unit (JSON, or HTML for browsers)", resp: Resolved{}, public: true},
	}
}

// openAPIPath turns a gin route into its OpenAPI form: ":id" -> "{id}", "*path" -> "{path}".
func openAPIPath(ginPath string) string {
	parts := strings.Split(ginPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") || strings.HasPrefix(p, "*") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// document builds the OpenAPI document of the gateway, modules included.
func (s *server) document() map[string]any {
	sg := &schemaGen{components: map[string]any{}}
	problemRef := sg.ref(reflect.TypeFor[problem.Problem]())
	paths := map[string]any{}
	for _, o := range operations() {
		if o.path == "/01/{path}" && s.opts.ResolverIdentity == nil {
			continue
		}
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		var params []any
		for _, seg := range strings.Split(o.path, "/") {
			if strings.HasPrefix(seg, "{") {
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": str})
			}
		}
		for _, q := range o.query {
			params = append(params, map[string]any{"name": q.name, "in": "query", "required": q.required, "description": q.desc, "schema": q.schema})
		}
		if o.idempotent {
			params = append(params, map[string]any{"name": IdempotencyKeyHeader, "in": "header",
				"description": "derives the event ID when the body has none: a retry with the same key writes nothing twice", "schema": str})
		}
		status := o.status
		if status == 0 {
			status = http.StatusOK
		}
		var content map[string]any
		if o.resp != nil {
			content = map[string]any{"application/json": map[string]any{"schema": sg.schema(reflect.TypeOf(o.resp), "")}}
		} else {
			content = map[string]any{"application/json": map[string]any{"schema": map[string]any{}}}
		}
		responses := map[string]any{
			strconv.Itoa(status): map[string]any{"description": "success", "content": content},
			"default":            map[string]any{"description": "a problem (RFC 9457)", "content": map[string]any{problem.ContentType: map[string]any{"schema": problemRef}}},
		}
		if status == http.StatusCreated {
			responses["200"] = map[string]any{"description": "a retry: the first result, nothing written again", "content": content}
		}
		if o.accepted {
			responses["202"] = map[string]any{"description": "the ledger is unreachable: kept in the outbox; see Location",
				"content": map[string]any{"application/json": map[string]any{"schema": sg.schema(reflect.TypeFor[outbox.Status](), "")}}}
		}
		operation := map[string]any{
			"operationId": strings.ToLower(o.method) + strings.NewReplacer("/", "_", "{", "", "}", "", "-", "_").Replace(o.path),
			"summary":     o.summary,
			"tags":        []string{o.tag},
			"responses":   responses,
		}
		if len(params) > 0 {
			operation["parameters"] = params
		}
		if o.public {
			operation["security"] = []any{}
		}
		if o.body != nil {
			operation["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": sg.schema(reflect.TypeOf(o.body), "")}}}
		}
		item[strings.ToLower(o.method)] = operation
	}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "UDI Ledger gateway",
			"version":     "1",
			"description": "REST gateway of UDI Ledger. Every /v1 call needs an API key (Authorization: Bearer <key>). Errors are RFC 9457 problem documents; the chaincode's codes NOT_FOUND, CONFLICT, FORBIDDEN and INVALID become 404, 409, 403 and 422.",
		},
		"security": []any{map[string]any{"apiKey": []any{}}},
		"paths":    paths,
		"components": map[string]any{
			"schemas": sg.components,
			"securitySchemes": map[string]any{
				"apiKey": map[string]any{"type": "http", "scheme": "bearer", "description": "an API key udi_…; X-API-Key: <key> works too"},
			},
		},
	}
}

func (s *server) openAPI(c *gin.Context) {
	s.docOnce.Do(func() { s.doc, s.docErr = json.Marshal(s.document()) })
	if s.docErr != nil {
		problem.Write(c, problem.From(s.docErr))
		return
	}
	c.Data(http.StatusOK, "application/json", s.doc)
}

// schemaGen derives JSON Schemas from Go types: named structs become components.
type schemaGen struct {
	components map[string]any
}

func (g *schemaGen) ref(t reflect.Type) map[string]any {
	name := t.Name()
	name = strings.ToUpper(name[:1]) + name[1:]
	if _, done := g.components[name]; !done {
		g.components[name] = map[string]any{} // breaks cycles
		g.components[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schema returns the schema of t under the validate rules tag (the part before any "dive").
func (g *schemaGen) schema(t reflect.Type, tag string) map[string]any {
	if t == reflect.TypeFor[json.RawMessage]() {
		return map[string]any{}
	}
	rules, items, _ := strings.Cut(tag, ",dive")
	items = strings.TrimPrefix(items, ",")
	if strings.HasPrefix(tag, "dive") {
		rules, items = "", strings.TrimPrefix(strings.TrimPrefix(tag, "dive"), ",")
	}
	var s map[string]any
	switch t.Kind() {
	case reflect.Pointer:
		return g.schema(t.Elem(), tag)
	case reflect.String:
		s = map[string]any{"type": "string"}
	case reflect.Bool:
		s = map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int32, reflect.Int64, reflect.Uint64, reflect.Uint32, reflect.Uint:
		s = map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		s = map[string]any{"type": "number"}
	case reflect.Slice:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		s = map[string]any{"type": "array", "items": g.schema(t.Elem(), items)}
	case reflect.Map:
		s = map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem(), "")}
	case reflect.Struct:
		if t.Name() == "Time" {
			return map[string]any{"type": "string", "format": "date-time"}
		}
		if t.Name() == "" {
			return g.object(t)
		}
		return g.ref(t)
	default:
		return map[string]any{}
	}
	applyRules(s, rules)
	return s
}

func applyRules(s map[string]any, rules string) {
	isArray := s["type"] == "array"
	num := s["type"] == "integer" || s["type"] == "number"
	for _, r := range strings.Split(rules, ",") {
		k, v, _ := strings.Cut(r, "=")
		n, nerr := strconv.Atoi(v)
		switch {
		case k == "oneof":
			s["enum"] = strings.Fields(v)
		case k == "datetime" && v == "2006-01-02":
			s["format"] = "date"
		case k == "datetime":
			s["format"] = "date-time"
		case k == "gln":
			s["pattern"], s["description"] = "^[0-9]{13}$", "GLN with a valid check digit"
		case k == "code":
			s["description"] = "a code in any form package identifier parses"
		case k == "numeric":
			s["pattern"] = "^[0-9]+$"
		case nerr != nil:
		case k == "max" && isArray:
			s["maxItems"] = n
		case k == "min" && isArray:
			s["minItems"] = n
		case k == "max" && num, k == "lte" && num:
			s["maximum"] = n
		case (k == "min" || k == "gte") && num:
			s["minimum"] = n
		case k == "gt" && num:
			s["exclusiveMinimum"] = n
		case k == "max":
			s["maxLength"] = n
		case k == "min":
			s["minLength"] = n
		case k == "len":
			s["minLength"], s["maxLength"] = n, n
		}
	}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walk(f.Type)
				continue
			}
			if !f.IsExported() {
				continue
			}
			name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			tag := f.Tag.Get("validate")
			props[name] = g.schema(f.Type, tag)
			rules, _, _ := strings.Cut(tag, ",dive")
			if strings.HasPrefix(rules, "required,") || rules == "required" {
				required = append(required, name)
			} else if tag == "" && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && t.Name() != "" && !strings.HasSuffix(t.Name(), "Body") {
				required = append(required, name) // answers: always present
			}
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}
