package httpledger

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/udiledger/udiledger/chaincode/model"
)

// route says how one chaincode function is reached through the gateway: its method and
// path, query parameters and body built from the function's arguments.
type route struct {
	method string
	// target builds the path (already escaped) and query from the arguments.
	target func(args []string) (path string, query url.Values, err error)
	// body builds the request body from the arguments and the transient map; nil means none.
	body func(args []string, transient map[string][]byte) (any, error)
}

func fixed(path string) func([]string) (string, url.Values, error) {
	return func([]string) (string, url.Values, error) { return path, nil, nil }
}

// withArg puts argument i into the path: prefix + escaped(arg) + suffix.
func withArg(prefix string, i int, suffix string) func([]string) (string, url.Values, error) {
	return func(args []string) (string, url.Values, error) {
		if len(args) <= i {
			return "", nil, fmt.Errorf("needs %d arguments, got %d", i+1, len(args))
		}
		return prefix + url.PathEscape(args[i]) + suffix, nil, nil
	}
}

// withQuery maps arguments to query parameters, in order; "" names skip an argument.
func withQuery(path string, names ...string) func([]string) (string, url.Values, error) {
	return func(args []string) (string, url.Values, error) {
		q := url.Values{}
		for i, n := range names {
			if n != "" && i < len(args) && args[i] != "" {
				q.Set(n, args[i])
			}
		}
		return path, q, nil
	}
}

// paged is a list with leading path arguments, then page size and bookmark.
func paged(prefix string, lead int, suffix string) func([]string) (string, url.Values, error) {
	return func(args []string) (string, url.Values, error) {
		if len(args) < lead+2 {
			return "", nil, fmt.Errorf("needs %d arguments, got %d", lead+2, len(args))
		}
		path := prefix
		if lead > 0 {
			path += url.PathEscape(args[0]) + suffix
		}
		q := url.Values{}
		if args[lead] != "" && args[lead] != "0" {
			q.Set("page_size", args[lead])
		}
		if args[lead+1] != "" {
			q.Set("bookmark", args[lead+1])
		}
		return path, q, nil
	}
}

// jsonArg is the body of a function whose one argument is a JSON request: the same fields,
// without the empty ones the gateway's bodies do not take (a record's server-set fields).
func jsonArg(args []string, _ map[string][]byte) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("needs 1 JSON argument, got %d", len(args))
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(args[0]), &m); err != nil {
		return nil, fmt.Errorf("argument is not a JSON object: %w", err)
	}
	return dropEmpty(m), nil
}

// dispenseArg adds the private references from the transient map to the dispense body: the
// gateway puts them back into a transient map, never into the arguments.
func dispenseArg(args []string, transient map[string][]byte) (any, error) {
	b, err := jsonArg(args, nil)
	if err != nil {
		return nil, err
	}
	body := b.(map[string]any)
	if raw, ok := transient[model.TransientDispense]; ok {
		var priv model.DispensePrivate
		if err := json.Unmarshal(raw, &priv); err != nil {
			return nil, fmt.Errorf("transient %q: %w", model.TransientDispense, err)
		}
		body["patientRef"], body["prescriptionRef"], body["salt"] = priv.PatientRef, priv.PrescriptionRef, priv.Salt
	}
	return dropEmpty(body), nil
}

// ackArg turns an AckRequest into the acknowledgement route's path and body.
func ackArg(args []string, _ map[string][]byte) (any, error) {
	var req model.AckRequest
	if len(args) != 1 || json.Unmarshal([]byte(args[0]), &req) != nil {
		return nil, fmt.Errorf("needs one AckRequest argument")
	}
	return map[string]any{"note": req.Note}, nil
}

func ackTarget(args []string) (string, url.Values, error) {
	var req model.AckRequest
	if len(args) != 1 || json.Unmarshal([]byte(args[0]), &req) != nil || req.RecallID == "" {
		return "", nil, fmt.Errorf("needs one AckRequest argument with recallId")
	}
	return "/v1/recalls/" + url.PathEscape(req.RecallID) + "/acknowledge", nil, nil
}

func dropEmpty(m map[string]any) map[string]any {
	for k, v := range m {
		switch x := v.(type) {
		case nil:
			delete(m, k)
		case string:
			if x == "" {
				delete(m, k)
			}
		case []any:
			if len(x) == 0 {
				delete(m, k)
			}
		case map[string]any:
			dropEmpty(x)
		}
	}
	return m
}

func event(path string) route {
	return route{method: "POST", target: fixed("/v1/events/" + path), body: jsonArg}
}

// routes are the chaincode functions the gateway serves, by "contract:Function".
var routes = map[string]route{
	"party:Init":             {method: "POST", target: fixed("/v1/ledger/init"), body: jsonArg},
	"party:Register":         {method: "POST", target: fixed("/v1/parties"), body: jsonArg},
	"party:Get":              {method: "GET", target: withArg("/v1/parties/", 0, "")},
	"party:List":             {method: "GET", target: paged("/v1/parties", 0, "")},
	"party:ExpiringLicences": {method: "GET", target: withQuery("/v1/licences/expiring", "days")},
	"product:Register":       {method: "POST", target: fixed("/v1/products"), body: jsonArg},
	"product:Get":            {method: "GET", target: withArg("/v1/products/", 0, "")},
	"product:List":           {method: "GET", target: paged("/v1/products", 0, "")},
	"lot:Register":           {method: "POST", target: fixed("/v1/lots"), body: jsonArg},
	"lot:List": {method: "GET", target: func(args []string) (string, url.Values, error) {
		if len(args) != 3 {
			return "", nil, fmt.Errorf("needs di, page size and bookmark, got %d arguments", len(args))
		}
		_, q, err := paged("/v1/lots", 0, "")(args[1:])
		if args[0] != "" {
			q.Set("di", args[0])
		}
		return "/v1/lots", q, err
	}},
	"lot:Get": {method: "GET", target: func(args []string) (string, url.Values, error) {
		if len(args) != 2 {
			return "", nil, fmt.Errorf("needs di and lot, got %d arguments", len(args))
		}
		return "/v1/lots/" + url.PathEscape(args[0]) + "/" + url.PathEscape(args[1]), nil, nil
	}},
	"unit:Commission":      event("commission"),
	"unit:Pack":            event("pack"),
	"unit:Unpack":          event("unpack"),
	"unit:Ship":            event("ship"),
	"unit:Receive":         event("receive"),
	"unit:Dispense":        {method: "POST", target: fixed("/v1/events/dispense"), body: dispenseArg},
	"unit:UndoDispense":    event("undo-dispense"),
	"unit:Return":          event("return"),
	"unit:Destroy":         event("destroy"),
	"unit:Decommission":    event("decommission"),
	"unit:Release":         event("release"),
	"unit:ReportSensor":    event("sensor"),
	"unit:Inspect":         event("inspect"),
	"unit:DispenseDetails": {method: "GET", target: withArg("/v1/dispenses/", 0, "")},
	"query:Provenance":     {method: "GET", target: withQuery("/v1/trace", "code")},
	"query:Verify":         {method: "GET", target: withQuery("/v1/verify", "code")},
	"query:Unit":           {method: "GET", target: withQuery("/v1/units", "code")},
	"query:Event":          {method: "GET", target: withArg("/v1/events/", 0, "")},
	"query:UnitsByHolder":  {method: "GET", target: paged("/v1/holders/", 1, "/units")},
	"query:Alerts":         {method: "GET", target: paged("/v1/alerts", 0, "")},
	"query:EventsByTime": {method: "GET", target: func(args []string) (string, url.Values, error) {
		if len(args) != 4 {
			return "", nil, fmt.Errorf("needs from, to, page size and bookmark, got %d arguments", len(args))
		}
		_, q, err := paged("/v1/events", 0, "")(args[2:])
		q.Set("from", args[0])
		q.Set("to", args[1])
		return "/v1/events", q, err
	}},
	"recall:Start":       {method: "POST", target: fixed("/v1/recalls"), body: jsonArg},
	"recall:Get":         {method: "GET", target: withArg("/v1/recalls/", 0, "")},
	"recall:List":        {method: "GET", target: paged("/v1/recalls", 0, "")},
	"recall:Acknowledge": {method: "POST", target: ackTarget, body: ackArg},
	"recall:Scope": {method: "GET", target: func(args []string) (string, url.Values, error) {
		if len(args) != 2 {
			return "", nil, fmt.Errorf("needs recall ID and units flag, got %d arguments", len(args))
		}
		units, err := strconv.ParseBool(args[1])
		if err != nil {
			return "", nil, fmt.Errorf("units flag %q: %w", args[1], err)
		}
		return "/v1/recalls/" + url.PathEscape(args[0]) + "/scope", url.Values{"units": {strconv.FormatBool(units)}}, nil
	}},
}
