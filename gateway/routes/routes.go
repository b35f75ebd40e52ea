// Package routes is the gateway's one route table: every REST route, keyed by the ledger
// operation it runs (package ops) or by the gateway's own handler. The gin routes, the
// OpenAPI document and the HTTP client (package httpledger) are all derived from it. It
// imports no HTTP framework.
package routes

import (
	"reflect"
	"strings"

	"github.com/udiledger/udiledger/chaincode/ops"
)

// Route is one REST route.
type Route struct {
	Method string
	// Path is in OpenAPI form. Its parameters are named by the JSON fields of the
	// operation's request they fill ("/v1/lots/{di}/{lot}"); the other fields of a read's
	// request are query parameters, those of a write's request its JSON body.
	Path    string
	Op      ops.Descriptor // the operation the route runs; nil for the gateway's own routes
	Own     string         // the gateway's own handler, when Op is nil
	Tag     string
	Summary string

	// Created marks a write that records something new: 201 with Location, or 200 with
	// Idempotent-Replayed when the ledger recognised a retry.
	Created bool
	// Location is the path of what a created write recorded, filled from its request.
	Location string
	// Idempotent routes take an Idempotency-Key header that gives the request its event ID
	// when it names none.
	Idempotent bool
	// Queued routes keep a write in the gateway's outbox (202) when the ledger is down.
	Queued bool
	// Public routes need no API key.
	Public bool

	// Query lists an own route's query parameters, for the document.
	Query []Param
}

// Param is a query parameter of an own route.
type Param struct {
	Name, Description, Type string // Type: "string", "integer" or "boolean"
	Required                bool
}

// PathParams lists the names of the path's parameters, in order.
func (r Route) PathParams() []string {
	var out []string
	for _, seg := range strings.Split(r.Path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, seg[1:len(seg)-1])
		}
	}
	return out
}

// GinPath is the path in gin's syntax; the resolver's trailing parameter takes the rest.
func (r Route) GinPath() string {
	parts := strings.Split(r.Path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			mark := ":"
			if r.Own == Resolve {
				mark = "*"
			}
			parts[i] = mark + p[1:len(p)-1]
		}
	}
	return strings.Join(parts, "/")
}

// ForOp finds the route of an operation.
func ForOp(name string) (Route, bool) {
	for _, r := range Table {
		if r.Op != nil && r.Op.Name() == name {
			return r, true
		}
	}
	return Route{}, false
}

// Internal lists the operations deliberately served by no route of their own, with why.
var Internal = map[string]string{
	"unit:PrepareDispense": "the first of a dispense's two transactions: POST /v1/events/dispense makes both",
	"epcis:Capture":        "one event of a document: POST /epcis/capture and POST /epcis/events submit it per event",
	"query:EventsByIndex":  "read by the EPCIS queries (GET /epcis/events, the resources' /events, named queries)",
	"unit:Scans":           "a scanner station's write scans in one transaction: POST /v1/scans submits them",
}

// Fields lists a request type's fields by JSON name, embedded structs flattened (each
// field's Index reaches it from the outer type): the names path and query parameters fill.
func Fields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			for k, v := range Fields(f.Type) {
				v.Index = append([]int{i}, v.Index...)
				out[k] = v
			}
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.IsExported() && name != "" && name != "-" {
			out[name] = f
		}
	}
	return out
}
