package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/chaincode/model"
	"github.com/udiledger/udiledger/gateway/problem"
	"github.com/udiledger/udiledger/gateway/routes"
)

// The gateway checks the shape of requests only: types, required fields, lengths, enums and
// that codes parse. Whether a request is allowed is the chaincode's decision.

// aliases are the validation tags built from the ledger's limits (package model), so that
// every request type refers to one definition. The OpenAPI document expands them the same way.
func aliases() map[string]string {
	return map[string]string{
		"eventid":    "max=" + strconv.Itoa(model.MaxEventIDLength),
		"codes":      "max=" + strconv.Itoa(model.MaxEventCodes) + ",dive,code",
		"quantities": "max=" + strconv.Itoa(model.MaxQuantityElements) + ",dive",
		"reason":     "max=" + strconv.Itoa(model.MaxReasonLength),
		"pagesize":   "lte=" + strconv.Itoa(model.MaxPageSize),
		"mspid":      "max=128,printascii",
		"scans":      "min=1,max=" + strconv.Itoa(MaxScans) + ",dive",
	}
}

func newValidator(codes codeReader) *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		if name == "" {
			return f.Name
		}
		return name
	})
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	// code: any form package identifier parses (within the GS1 Company Prefix list, if any).
	must(v.RegisterValidation("code", func(fl validator.FieldLevel) bool {
		_, err := codes.parse(fl.Field().String())
		return err == nil
	}))
	must(v.RegisterValidation("gln", func(fl validator.FieldLevel) bool {
		return identifier.ValidateGLN(fl.Field().String()) == nil
	}))
	must(v.RegisterValidation("gtin", func(fl validator.FieldLevel) bool {
		return identifier.ValidateGTIN(fl.Field().String()) == nil
	}))
	must(v.RegisterValidation("role", func(fl validator.FieldLevel) bool {
		return model.Role(fl.Field().String()).Valid()
	}))
	for name, tags := range aliases() {
		v.RegisterAlias(name, tags)
	}
	return v
}

// bindJSON decodes the body into v, refusing unknown fields and trailing data (400), then
// checks v's validate tags (422). On false the problem has been written.
func (s *server) bindJSON(c *gin.Context, v any) bool {
	return s.decodeBody(c, v, false) && s.check(c, v)
}

// decodeBody decodes a JSON body strictly into v; an empty body is {} when allowed.
func (s *server) decodeBody(c *gin.Context, v any, emptyOK bool) bool {
	if emptyOK && c.Request.ContentLength == 0 {
		return true
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if emptyOK && errors.Is(err, io.EOF) {
			return true
		}
		problem.Write(c, decodeProblem(err))
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		problem.Write(c, problem.Invalid("the body must be one JSON object"))
		return false
	}
	return true
}

// bindRequest builds the request of a route's operation: a write's from its JSON body, a
// read's from its query parameters, and either's path parameters into the fields they name.
// It checks the shape (422 naming each bad field). On false the problem has been written.
func (s *server) bindRequest(c *gin.Context, rt routes.Route) (any, bool) {
	req := reflect.New(rt.Op.RequestType())
	params := map[string]string{}
	for _, name := range rt.PathParams() {
		params[name] = c.Param(name)
	}
	if rt.Method == http.MethodGet {
		for name := range routes.Fields(rt.Op.RequestType()) {
			if v, ok := c.GetQuery(name); ok {
				params[name] = v
			}
		}
	} else if !s.decodeBody(c, req.Interface(), len(params) > 0) {
		return nil, false
	}
	if bad := setFields(req, params); len(bad) > 0 {
		problem.Write(c, validationProblem(bad))
		return nil, false
	}
	if !s.check(c, req.Interface()) {
		return nil, false
	}
	return req.Interface(), true
}

// setFields sets the fields params name, converting to each field's kind, and fills zero
// fields from their `default` tags. A path parameter the body also names must agree.
func setFields(req reflect.Value, params map[string]string) []problem.FieldError {
	fields := routes.Fields(req.Elem().Type())
	var bad []problem.FieldError
	for name, f := range fields {
		fv := req.Elem().FieldByIndex(f.Index)
		v, given := params[name]
		if !given {
			v, given = f.Tag.Lookup("default")
			if !given || !fv.IsZero() {
				continue
			}
		}
		switch fv.Kind() {
		case reflect.String:
			if cur := fv.String(); cur != "" && cur != v {
				bad = append(bad, problem.FieldError{Field: name, Reason: "must equal the " + name + " in the path"})
				continue
			}
			fv.SetString(v)
		case reflect.Int, reflect.Int64, reflect.Int32:
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				bad = append(bad, problem.FieldError{Field: name, Reason: "must be an integer"})
				continue
			}
			fv.SetInt(n)
		case reflect.Bool:
			b, err := strconv.ParseBool(v)
			if err != nil {
				bad = append(bad, problem.FieldError{Field: name, Reason: "must be true or false"})
				continue
			}
			fv.SetBool(b)
		}
	}
	sort.Slice(bad, func(i, j int) bool { return bad[i].Field < bad[j].Field })
	return bad
}

// check validates v and writes a 422 naming every bad field.
func (s *server) check(c *gin.Context, v any) bool {
	err := s.validate.Struct(v)
	if err == nil {
		return true
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		writeError(c, err)
		return false
	}
	problem.Write(c, validationProblem(fieldErrors(verrs, s.codes)))
	return false
}

func validationProblem(fields []problem.FieldError) *problem.Problem {
	p := problem.New(http.StatusUnprocessableEntity, "validation-failed", "Validation failed",
		fmt.Sprintf("%d field(s) failed validation", len(fields)))
	p.Errors = fields
	return p
}

// maxFieldErrors bounds the errors listed for one request (a 10,000-code list of bad codes).
const maxFieldErrors = 50

func fieldErrors(verrs validator.ValidationErrors, codes codeReader) []problem.FieldError {
	out := make([]problem.FieldError, 0, min(len(verrs), maxFieldErrors))
	for i, fe := range verrs {
		if i == maxFieldErrors {
			break
		}
		out = append(out, problem.FieldError{Field: fieldPath(fe.Namespace()), Reason: reason(fe, codes)})
	}
	return out
}

// fieldPath drops the struct names from a namespace, the request's own and those of
// embedded structs: "ShipRequest.EventHeader.location" -> "location".
func fieldPath(ns string) string {
	parts := strings.Split(ns, ".")
	out := parts[:0]
	for i, p := range parts {
		if i == 0 || (p != "" && p[0] >= 'A' && p[0] <= 'Z') {
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ".")
}

func reason(fe validator.FieldError, codes codeReader) string {
	many := fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map
	switch fe.ActualTag() {
	case "required", "required_without", "required_if":
		return "is required"
	case "code":
		_, err := codes.parse(fmt.Sprint(fe.Value()))
		if err == nil {
			return "is not a code"
		}
		return "is not a code: " + err.Error()
	case "gln":
		return "must be a 13-digit GLN with a valid check digit"
	case "gtin":
		return "must be a GTIN-14 with a valid check digit"
	case "oneof":
		return "must be one of: " + strings.Join(strings.Fields(fe.Param()), ", ")
	case "max":
		if many {
			return "must have at most " + fe.Param() + " items"
		}
		if fe.Kind() == reflect.String {
			return "must be at most " + fe.Param() + " characters"
		}
		return "must be at most " + fe.Param()
	case "min":
		if many {
			return "must have at least " + fe.Param() + " items"
		}
		if fe.Kind() == reflect.String {
			return "must be at least " + fe.Param() + " characters"
		}
		return "must be at least " + fe.Param()
	case "len":
		return "must be exactly " + fe.Param() + " characters"
	case "gt":
		return "must be greater than " + fe.Param()
	case "gte":
		return "must be at least " + fe.Param()
	case "gtefield":
		return "must not be below " + fe.Param()
	case "numeric":
		return "must be digits only"
	case "datetime":
		if fe.Param() == "2006-01-02" {
			return "must be a date YYYY-MM-DD"
		}
		return "must be a time in RFC 3339 form"
	case "printascii":
		return "must be printable ASCII"
	case "lte":
		return "must be at most " + fe.Param()
	case "isdefault":
		return "is set by the ledger, not by the client"
	case "role":
		return "must be one of the roles: " + roleList()
	}
	if fe.Param() != "" {
		return "failed " + fe.Tag() + "=" + fe.Param()
	}
	return "failed " + fe.Tag()
}

// decodeProblem explains why a body is not the JSON a route takes.
func decodeProblem(err error) *problem.Problem {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return problem.New(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
			"the body may be at most "+strconv.FormatInt(mbe.Limit, 10)+" bytes")
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "(body)"
		}
		return problem.Invalid("a field has the wrong type",
			problem.FieldError{Field: field, Reason: "must be " + jsonKind(te.Type) + ", not " + te.Value})
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return problem.Invalid(fmt.Sprintf("the body is not valid JSON at byte %d: %v", se.Offset, se))
	}
	if errors.Is(err, io.EOF) {
		return problem.Invalid("a JSON body is required")
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return problem.Invalid("the JSON body ends early")
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name = strings.Trim(name, `"`)
		return problem.Invalid("the body has a field this route does not take",
			problem.FieldError{Field: name, Reason: "is not a field of this request"})
	}
	return problem.Invalid("the body could not be decoded: " + err.Error())
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return t.String()
}

func roleList() string {
	names := make([]string, len(model.Roles))
	for i, r := range model.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}
