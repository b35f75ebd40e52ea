package api

import (
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/udiledger/udiledger/chaincode/epcis"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
)

// The OpenAPI document is derived from the route table (package routes): each operation's
// request and answer types give its parameters and schemas (json and validate tags), so the
// document cannot drift from what the handlers decode. The gateway's own routes name their
// body and answer types here.

type param struct {
	name, desc string
	schema     map[string]any
	required   bool
}

type op struct {
	method, path, tag, summary string
	body                       reflect.Type // request body type, nil for none
	bodyExcept                 []string     // body fields that are path parameters
	resp                       reflect.Type // answer body type, nil for "any JSON"
	status                     int          // success status; 0 means 200
	query                      []param
	public                     bool // no API key
	idempotent                 bool // takes Idempotency-Key
	accepted                   bool // may answer 202 (queued in the outbox)
	created                    bool // a retry answers 200
}

var str = map[string]any{"type": "string"}

// ownTypes are the body and answer types of the gateway's own routes.
var ownTypes = map[string][2]reflect.Type{
	routes.Readyz:            {nil, reflect.TypeFor[Readiness]()},
	routes.Scans:             {reflect.TypeFor[scanBatchBody](), reflect.TypeFor[ScanBatchResult]()},
	routes.RecallProgress:    {nil, reflect.TypeFor[recallProgress]()},
	routes.OutboxStatus:      {nil, reflect.TypeFor[QueuedWrite]()},
	routes.EPCISCapture:      {reflect.TypeFor[map[string]any](), reflect.TypeFor[CaptureResult]()},
	routes.EPCISEvents:       {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISJobs:         {nil, reflect.TypeFor[CaptureJobList]()},
	routes.EPCISJob:          {nil, reflect.TypeFor[CaptureJob]()},
	routes.EPCISCaptureEvent: {reflect.TypeFor[map[string]any](), reflect.TypeFor[CaptureEventResult]()},
	routes.EPCISEPCEvents:    {nil, reflect.TypeFor[epcis.QueryDocument]()},

	routes.EPCISEvent:             {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISEventTypes:        {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISEventTypeEvents:   {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISEPCs:              {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISBizSteps:          {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISBizStepEvents:     {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISBizLocations:      {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISBizLocationEvents: {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISReadPoints:        {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISReadPointEvents:   {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISDispositions:      {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISDispositionEvents: {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISRoot:              {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISResource:          {nil, reflect.TypeFor[epcis.Collection]()},
	routes.EPCISReleasePageToken:  {nil, nil},

	routes.EPCISQueries:       {nil, reflect.TypeFor[[]NamedQuery]()},
	routes.EPCISCreateQuery:   {reflect.TypeFor[NamedQuery](), reflect.TypeFor[NamedQuery]()},
	routes.EPCISQuery:         {nil, reflect.TypeFor[NamedQuery]()},
	routes.EPCISDeleteQuery:   {nil, nil},
	routes.EPCISQueryEvents:   {nil, reflect.TypeFor[epcis.QueryDocument]()},
	routes.EPCISSubscriptions: {nil, reflect.TypeFor[[]QuerySubscription]()},
	routes.EPCISSubscribe:     {reflect.TypeFor[subscribeBody](), reflect.TypeFor[QuerySubscription]()},
	routes.EPCISSubscription:  {nil, reflect.TypeFor[QuerySubscription]()},
	routes.EPCISUnsubscribe:   {nil, nil},

	routes.NotifySetWebhook:    {reflect.TypeFor[notificationWebhookBody](), reflect.TypeFor[NotificationWebhook]()},
	routes.NotifyWebhook:       {nil, reflect.TypeFor[NotificationWebhook]()},
	routes.NotifyDeleteWebhook: {nil, nil},
	routes.NotifyDeliveries:    {nil, reflect.TypeFor[NotificationList]()},

	routes.Resolve:      {nil, reflect.TypeFor[Resolved]()},
	routes.ResolverInfo: {nil, reflect.TypeFor[resolverDescription]()},
}

// operations lists the document's operations, one per route of the table; public says which
// need no API key.
func operations(sg *schemaGen, public func(routes.Route) bool) []op {
	var out []op
	for _, rt := range routes.Table {
		o := op{method: rt.Method, path: rt.Path, tag: rt.Tag, summary: rt.Summary, public: public(rt),
			idempotent: rt.Idempotent, accepted: rt.Queued, created: rt.Created}
		if rt.Created {
			o.status = http.StatusCreated
		}
		if rt.Op == nil {
			t := ownTypes[rt.Own]
			o.body, o.resp = t[0], t[1]
			if rt.Own == routes.EPCISCaptureEvent { // 201 with Location; a replay is 409
				o.status, o.accepted = http.StatusCreated, true
			}
			switch {
			case rt.Own == routes.EPCISCreateQuery || rt.Own == routes.EPCISSubscribe: // 201 with Location
				o.status = http.StatusCreated
			case rt.Method == http.MethodDelete:
				o.status = http.StatusNoContent
			}
			for _, q := range rt.Query {
				o.query = append(o.query, param{name: q.Name, desc: q.Description, schema: map[string]any{"type": q.Type}, required: q.Required})
			}
			out = append(out, o)
			continue
		}
		o.summary += " (" + rt.Op.Name() + ")"
		o.resp = rt.Op.ResultType()
		if rt.Method == http.MethodGet {
			inPath := map[string]bool{}
			for _, p := range rt.PathParams() {
				inPath[p] = true
			}
			for _, f := range sg.fields(rt.Op.RequestType()) {
				if !inPath[f.name] {
					o.query = append(o.query, param{name: f.name, schema: f.schema, required: f.required})
				}
			}
		} else {
			o.body, o.bodyExcept = rt.Op.RequestType(), rt.PathParams()
		}
		out = append(out, o)
	}
	return out
}

// document builds the OpenAPI document of the gateway, modules included.
func (s *server) document() map[string]any {
	sg := newSchemaGen()
	problemRef := sg.ref(reflect.TypeFor[problem.Problem]())
	paths := map[string]any{}
	for _, o := range operations(sg, s.public) {
		if o.tag == "resolver" && s.opts.ResolverIdentity == nil {
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
		sort.Slice(o.query, func(i, j int) bool { return o.query[i].name < o.query[j].name })
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
			content = map[string]any{"application/json": map[string]any{"schema": sg.schema(o.resp, "")}}
			if o.tag == "epcis" {
				content["application/ld+json"] = content["application/json"]
				addXMLContent(content, o.resp == reflect.TypeFor[epcis.QueryDocument]())
			}
		} else {
			content = map[string]any{"application/json": map[string]any{"schema": map[string]any{}}}
		}
		success := map[string]any{"description": "success", "content": content}
		if status == http.StatusNoContent {
			success = map[string]any{"description": "done"}
		}
		responses := map[string]any{
			strconv.Itoa(status): success,
			"default":            map[string]any{"description": "a problem (RFC 9457)", "content": map[string]any{problem.ContentType: map[string]any{"schema": problemRef}}},
		}
		if o.tag == "resolver" && o.path != "/.well-known/gs1resolver" {
			content[LinksetContentType] = map[string]any{"schema": linksetSchema}
			responses["307"] = map[string]any{"description": "to the link of the requested linkType (Location)"}
		}
		if o.created {
			responses["200"] = map[string]any{"description": "a retry: the first result, nothing written again", "content": content}
		}
		if o.tag == "epcis" {
			// The EPCIS 2.0 REST binding's headers (epcis_headers.go).
			headers := map[string]any{}
			for _, h := range [][2]string{{epcisVersionHeader, "the EPCIS version followed"}, {cbvVersionHeader, "the CBV version followed"},
				{epcisExtensionsHeader, "the extension vocabularies used, prefix=namespace"}} {
				headers[h[0]] = map[string]any{"description": h[1], "schema": str}
			}
			if o.method == http.MethodGet {
				headers[epcFormatHeader] = map[string]any{"description": "how GS1 identifiers are written in the answer", "schema": str}
				params = append(params, map[string]any{"name": epcFormatHeader, "in": "header", "description": "No_Preference (the default) and Never_Translates answer captured events as captured; Always_GS1_Digital_Link or Always_EPC_URN translate their GS1 identifiers",
					"schema": map[string]any{"type": "string", "enum": []string{epcFormatAny, epcFormatDigitalLink, epcFormatURN, epcFormatNoTranslates}}})
			}
			responses[strconv.Itoa(status)].(map[string]any)["headers"] = headers
			responses["406"] = map[string]any{"description": "the Accept header (or GS1-EPC-Format) asks for an answer the gateway cannot give",
				"content": map[string]any{problem.ContentType: map[string]any{"schema": problemRef}}}
		}
		if o.path == "/epcis/capture" && o.method == http.MethodPost {
			responses["202"] = map[string]any{"description": "a capture job (Location: /epcis/capture/{captureID})",
				"content": map[string]any{"application/json": map[string]any{"schema": sg.schema(reflect.TypeFor[CaptureJob](), "")}}}
			params = append(params, map[string]any{"name": captureErrorBehaviourHeader, "in": "header", "description": "rollback (the default): nothing is recorded if any event would fail; proceed: every event that can be is recorded",
				"schema": map[string]any{"type": "string", "enum": []string{"rollback", "proceed"}}})
		}
		if o.accepted {
			responses["202"] = map[string]any{"description": "the ledger is unreachable: kept in the outbox; see Location",
				"content": map[string]any{"application/json": map[string]any{"schema": sg.schema(reflect.TypeFor[QueuedWrite](), "")}}}
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
			schema := sg.schema(o.body, "")
			if len(o.bodyExcept) > 0 {
				schema = sg.objectExcept(o.body, o.bodyExcept)
			}
			content := map[string]any{"application/json": map[string]any{"schema": schema}}
			addXMLContent(content, o.tag == "epcis")
			operation["requestBody"] = map[string]any{"required": len(o.bodyExcept) == 0, "content": content}
		}
		item[strings.ToLower(o.method)] = operation
		if isEPCISPath(o.path) && item["options"] == nil {
			item["options"] = epcisOptionsDoc(o.path, problemRef)
		}
	}
	return map[string]any{
		"openapi": "3.0.3",
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
		writeError(c, s.docErr)
		return
	}
	c.Data(http.StatusOK, "application/json", s.doc)
}

// schemaGen derives JSON Schemas from Go types: named structs become components.
type schemaGen struct {
	components map[string]any
	names      map[reflect.Type]string
	taken      map[string]bool
}

func newSchemaGen() *schemaGen {
	return &schemaGen{components: map[string]any{}, names: map[reflect.Type]string{}, taken: map[string]bool{}}
}

func (g *schemaGen) ref(t reflect.Type) map[string]any {
	name, ok := g.names[t]
	if !ok {
		name = strings.ToUpper(t.Name()[:1]) + t.Name()[1:]
		if g.taken[name] { // the same name in another package: qualify it
			pkg := t.PkgPath()[strings.LastIndex(t.PkgPath(), "/")+1:]
			name = strings.ToUpper(pkg[:1]) + pkg[1:] + name
		}
		g.names[t], g.taken[name] = name, true
		g.components[name] = map[string]any{} // breaks cycles
		g.components[name] = g.object(t)
	}
	return map[string]any{"$ref": "#/components/schemas/" + name}
}

// schema returns the schema of t under the validate rules tag (the part before any "dive").
func (g *schemaGen) schema(t reflect.Type, tag string) map[string]any {
	marshaler := reflect.TypeFor[json.Marshaler]()
	if t == reflect.TypeFor[json.RawMessage]() || t.Implements(marshaler) || reflect.PointerTo(t).Implements(marshaler) {
		return map[string]any{} // its own encoding decides its shape
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
			return map[string]any{"type": "string", "format": "byte"}
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
			s["minimum"], s["exclusiveMinimum"] = n, true
		case k == "max":
			s["maxLength"] = n
		case k == "min":
			s["minLength"] = n
		case k == "len":
			s["minLength"], s["maxLength"] = n, n
		}
	}
}

// field is one property of an object schema.
type field struct {
	name     string
	schema   map[string]any
	required bool
}

// fields lists the properties of a struct type, embedded structs flattened.
func (g *schemaGen) fields(t reflect.Type) []field {
	// A type whose fields carry validation rules is a request: its rules say what is
	// required. Any other is an answer, whose fields without omitempty are always present.
	request := hasRules(t)
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, g.fields(f.Type)...)
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
		tag := expandAliases(f.Tag.Get("validate"))
		fd := field{name: name, schema: g.schema(f.Type, tag)}
		if d, ok := f.Tag.Lookup("default"); ok {
			fd.schema["default"] = d
			if n, err := strconv.Atoi(d); err == nil {
				fd.schema["default"] = n
			}
		}
		rules, _, _ := strings.Cut(tag, ",dive")
		if strings.HasPrefix(rules, "required,") || rules == "required" {
			fd.required = true
		} else if !request && !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && t.Name() != "" {
			fd.required = true // answers: always present
		}
		out = append(out, fd)
	}
	return out
}

func (g *schemaGen) object(t reflect.Type) map[string]any { return g.objectExcept(t, nil) }

// objectExcept is the object schema of t without the named properties (path parameters).
func (g *schemaGen) objectExcept(t reflect.Type, except []string) map[string]any {
	props := map[string]any{}
	var required []string
	for _, f := range g.fields(t) {
		if slices.Contains(except, f.name) {
			continue
		}
		props[f.name] = f.schema
		if f.required {
			required = append(required, f.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// expandAliases replaces the validation aliases in a tag with what they stand for.
func expandAliases(tag string) string {
	if tag == "" {
		return tag
	}
	al := aliases()
	parts := strings.Split(tag, ",")
	for i, p := range parts {
		if x, ok := al[p]; ok {
			parts[i] = x
		}
	}
	return strings.Join(parts, ",")
}

// hasRules reports whether any field of t (embedded structs included) has validation rules.
func hasRules(t reflect.Type) bool {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Tag.Get("validate") != "" || (f.Anonymous && f.Type.Kind() == reflect.Struct && hasRules(f.Type)) {
			return true
		}
	}
	return false
}
