// Package ops describes every chaincode operation once: its function name, whether it is
// submitted or evaluated, its request type and its result type. The chaincode is checked
// against this catalogue, and the gateway, its HTTP client, the demo and the CLI all call the
// ledger through it, so a function name or argument order is written nowhere else.
// It imports nothing from Fabric.
package ops

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
)

// Kind says how an operation reaches the ledger.
type Kind string

const (
	// Submit endorses, orders and commits: the operation writes.
	Submit Kind = "submit"
	// Evaluate reads committed state on one peer; nothing is written.
	Evaluate Kind = "evaluate"
)

// Call is one encoded chaincode call: the function, its string arguments and the private
// inputs that travel in the transient map.
type Call struct {
	Function  string
	Args      []string
	Transient map[string][]byte
	// Then, when set, is the call to submit once this one is committed, made from its answer:
	// an operation of two transactions (a dispense records its private details first).
	Then func(answer []byte) (Call, error)
}

// Descriptor is an operation without its type parameters, for tables and generic plumbing.
type Descriptor interface {
	Name() string // "contract:Function", as contractapi names it
	Kind() Kind
	RequestType() reflect.Type
	ResultType() reflect.Type
	// EncodeAny encodes a request given as a value (or pointer) of RequestType.
	EncodeAny(req any) (Call, error)
}

// Op is one chaincode operation taking a Req and answering a Res.
type Op[Req, Res any] struct {
	name   string
	kind   Kind
	encode func(Req) (Call, error)
}

// Name is the chaincode function, "contract:Function".
func (o Op[Req, Res]) Name() string { return o.name }

// Kind says whether the operation writes.
func (o Op[Req, Res]) Kind() Kind { return o.kind }

// RequestType is the type of the operation's request.
func (o Op[Req, Res]) RequestType() reflect.Type { return reflect.TypeFor[Req]() }

// ResultType is the type of the operation's answer.
func (o Op[Req, Res]) ResultType() reflect.Type { return reflect.TypeFor[Res]() }

// Encode turns a request into the chaincode call.
func (o Op[Req, Res]) Encode(req Req) (Call, error) {
	c, err := o.encode(req)
	if err != nil {
		return Call{}, fmt.Errorf("%s: encode request: %w", o.name, err)
	}
	return c, nil
}

// EncodeAny encodes a request given as a Req or *Req.
func (o Op[Req, Res]) EncodeAny(req any) (Call, error) {
	switch r := req.(type) {
	case Req:
		return o.Encode(r)
	case *Req:
		return o.Encode(*r)
	}
	return Call{}, fmt.Errorf("%s: request is %T, want %s", o.name, req, o.RequestType())
}

// Decode reads the chaincode's answer.
func (o Op[Req, Res]) Decode(payload []byte) (*Res, error) {
	var res Res
	if err := DecodeAnswer(payload, &res); err != nil {
		return nil, fmt.Errorf("%s: decode answer: %w", o.name, err)
	}
	return &res, nil
}

// DecodeAnswer reads an answer into out, a pointer. contractapi returns a string result as
// it is, not as JSON, while a gateway answers it as a JSON string: both are read.
func DecodeAnswer(payload []byte, out any) error {
	if len(payload) == 0 {
		return nil
	}
	if s, ok := out.(*string); ok && payload[0] != '"' {
		*s = string(payload)
		return nil
	}
	return json.Unmarshal(payload, out)
}

// submit is a write whose one argument is the request as JSON.
func submit[Req, Res any](name string) Op[Req, Res] {
	return Op[Req, Res]{name: name, kind: Submit, encode: jsonArg[Req](name)}
}

// submitWith is a write with its own encoding (private inputs in the transient map).
func submitWith[Req, Res any](name string, encode func(Req) (Call, error)) Op[Req, Res] {
	return Op[Req, Res]{name: name, kind: Submit, encode: encode}
}

// evaluate is a read whose arguments are the request's fields in order (see Args).
func evaluate[Req, Res any](name string) Op[Req, Res] {
	return Op[Req, Res]{name: name, kind: Evaluate, encode: func(r Req) (Call, error) {
		args, err := Args(r)
		return Call{Function: name, Args: args}, err
	}}
}

func jsonArg[Req any](name string) func(Req) (Call, error) {
	return func(r Req) (Call, error) {
		b, err := json.Marshal(r)
		if err != nil {
			return Call{}, err
		}
		return Call{Function: name, Args: []string{string(b)}}, nil
	}
}

// Args lists a read's arguments: the exported fields of the request struct in declaration
// order (embedded structs in place), strings as they are, integers in decimal, booleans as
// "true"/"false". This is the one rule that ties a query type to its chaincode parameters;
// TestOperationsMatchTheChaincode checks it against the contract's metadata.
func Args(req any) ([]string, error) {
	v := reflect.ValueOf(req)
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return nil, fmt.Errorf("query %s is not a struct", v.Type())
	}
	var out []string
	for i := 0; i < v.NumField(); i++ {
		f, fv := v.Type().Field(i), v.Field(i)
		if !f.IsExported() {
			continue
		}
		if f.Anonymous && fv.Kind() == reflect.Struct {
			inner, err := Args(fv.Interface())
			if err != nil {
				return nil, err
			}
			out = append(out, inner...)
			continue
		}
		switch fv.Kind() {
		case reflect.String:
			out = append(out, fv.String())
		case reflect.Int, reflect.Int32, reflect.Int64:
			out = append(out, strconv.FormatInt(fv.Int(), 10))
		case reflect.Bool:
			out = append(out, strconv.FormatBool(fv.Bool()))
		default:
			return nil, fmt.Errorf("query field %s has kind %s", f.Name, fv.Kind())
		}
	}
	return out, nil
}

// Replayer is an answer that tells whether the ledger recognised a retry: the first result,
// recorded by an earlier transaction, returned again to transaction txID.
type Replayer interface{ ReplayedIn(txID string) bool }

// Keyed is a write request that names itself (event ID, recall ID, master data key), so a
// retry of it can be recognised and a write queued while the ledger is down is kept once.
type Keyed interface{ WriteKey() string }
