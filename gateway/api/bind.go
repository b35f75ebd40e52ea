package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"github.com/udiledger/udiledger/chaincode/identifier"
	"github.com/udiledger/udiledger/gateway/problem"
)

// The gateway checks the shape of requests only: types, required fields, lengths, enums and
// that codes parse. Whether a request is allowed is the chaincode's decision.

func newValidator() *validator.Validate {
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
	// code: any form package identifier parses.
	must(v.RegisterValidation("code", func(fl validator.FieldLevel) bool {
		_, err := identifier.Parse(fl.Field().String())
		return err == nil
	}))
	must(v.RegisterValidation("gln", func(fl validator.FieldLevel) bool {
		return identifier.ValidateGLN(fl.Field().String()) == nil
	}))
	must(v.RegisterValidation("gtin", func(fl validator.FieldLevel) bool {
		return identifier.ValidateGTIN(fl.Field().String()) == nil
	}))
	return v
}

// bindJSON decodes the body into v, refusing unknown fields and trailing data (400), then
// checks v's validate tags (422). On false the problem has been written.
func (s *server) bindJSON(c *gin.Context, v any) bool {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		problem.Write(c, decodeProblem(err))
		return false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		problem.Write(c, problem.Invalid("the body must be one JSON object"))
		return false
	}
	return s.check(c, v)
}

// check validates v and writes a 422 naming every bad field.
func (s *server) check(c *gin.Context, v any) bool {
	err := s.validate.Struct(v)
	if err == nil {
		return true
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		problem.Write(c, problem.From(err))
		return false
	}
	problem.Write(c, validationProblem(fieldErrors(verrs)))
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

func fieldErrors(verrs validator.ValidationErrors) []problem.FieldError {
	out := make([]problem.FieldError, 0, min(len(verrs), maxFieldErrors))
	for i, fe := range verrs {
		if i == maxFieldErrors {
			break
		}
		out = append(out, problem.FieldError{Field: fieldPath(fe.Namespace()), Reason: reason(fe)})
	}
	return out
}

// fieldPath drops the struct name from a namespace: "shipBody.codes[2]" -> "codes[2]".
func fieldPath(ns string) string {
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func reason(fe validator.FieldError) string {
	many := fe.Kind() == reflect.Slice || fe.Kind() == reflect.Map
	switch fe.Tag() {
	case "required", "required_without", "required_if":
		return "is required"
	case "code":
		_, err := identifier.Parse(fmt.Sprint(fe.Value()))
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

// queryInt reads an optional integer query parameter within [lo, hi]; on false the problem
// has been written.
func queryInt(c *gin.Context, name string, def, lo, hi int) (int, bool) {
	s := c.Query(name)
	if s == "" {
		return def, true
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		problem.Write(c, validationProblem([]problem.FieldError{{Field: name,
			Reason: fmt.Sprintf("must be an integer from %d to %d", lo, hi)}}))
		return 0, false
	}
	return n, true
}

// queryRequired reads a required query parameter of at most max bytes.
func queryRequired(c *gin.Context, name string, max int) (string, bool) {
	s := c.Query(name)
	if s == "" || len(s) > max {
		problem.Write(c, validationProblem([]problem.FieldError{{Field: name,
			Reason: fmt.Sprintf("is required, at most %d characters", max)}}))
		return "", false
	}
	return s, true
}
